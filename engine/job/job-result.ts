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

/** What one job did: 'continue' means it stopped before its end and must be run again. */
export interface JobResult {
  jobId: string;
  env: string;
  revision: string;
  outcome: 'succeeded' | 'failed' | 'skipped' | 'continue';
  message: string;
  apps: AppSyncSummary[];
  /** A preview job's report (reason 'preview'). */
  preview?: PreviewReport;
}
