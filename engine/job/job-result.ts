import type { HistoryResource } from '../history.ts';
import type { Health, OperationPhase } from '../model.ts';
import type { PreviewReport } from '../preview/preview-report.ts';

export interface AppSyncSummary {
  app: string;
  wave: number;
  phase: OperationPhase | 'Skipped';
  message: string;
  health: Health;
  historyId?: number;
  resources: HistoryResource[];
}

/**
 * How a job ended. A closed union: callers switch on it, never on the message.
 * - succeeded: every selected app synced (or nothing needed syncing).
 * - failed: an app failed, a wave did not become healthy in time, the config is invalid.
 * - superseded: the job's revision is no longer its branch's tip; nothing deployed, a later job is.
 * - skipped: nothing to do (every app is at the tip already: a duplicate delivery).
 * - busy: another job holds the environment; nothing done, run the same job again later.
 * - continue: stopped before its end (deadline); progress is saved, run the same job again.
 */
export type JobOutcome = 'succeeded' | 'failed' | 'superseded' | 'skipped' | 'busy' | 'continue';

/** What one job did. */
export interface JobResult {
  jobId: string;
  env: string;
  revision: string;
  outcome: JobOutcome;
  message: string;
  apps: AppSyncSummary[];
  /** A preview job's report (reason 'preview'). */
  preview?: PreviewReport;
}
