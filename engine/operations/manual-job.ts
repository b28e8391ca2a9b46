import type { Job, StateStore } from '../ports.ts';
import { shortRevision } from '../short-revision.ts';
import { setAutomationPaused } from './pause-automation.ts';

export interface ManualJobInput {
  /** Unique job id (the caller makes one: the engine has no randomness). */
  id: string;
  repo: string;
  env: string;
  app: string;
  /** A branch name (the tip when the job runs) or the exact commit a person asked for. */
  revision: string;
  now: Date;
  reason?: 'manual' | 'rollback';
  prune?: boolean;
  dryRun?: boolean;
}

/** The job of `app sync` (and of a rollback): one app, exactly the revision asked for. */
export function manualJob(input: ManualJobInput): Job {
  return {
    id: input.id,
    repo: input.repo,
    env: input.env,
    revision: input.revision,
    changedPaths: 'all',
    reason: input.reason ?? 'manual',
    apps: [input.app],
    ...(input.prune ? { prune: true } : {}),
    ...(input.dryRun ? { dryRun: true } : {}),
    enqueuedAt: input.now.toISOString(),
  };
}

export type RollbackOutcome =
  | { ok: true; job: Job; message: string }
  | { ok: false; reason: 'no-history-entry'; message: string };

/**
 * `app rollback NAME ID`: the job that syncs the app back to the revision of a history entry,
 * after pausing its automated syncs (until `app resume`), so the next push does not undo it.
 */
export async function rollbackJob(
  state: StateStore,
  input: Omit<ManualJobInput, 'revision' | 'reason' | 'prune' | 'dryRun'> & { historyId: number },
): Promise<RollbackOutcome> {
  const entry = (await state.listHistory(input.env, input.app)).find((h) => h.id === input.historyId);
  if (!entry)
    return {
      ok: false,
      reason: 'no-history-entry',
      message: `no history entry ${input.historyId} for ${input.env}/${input.app}: see \`syncwave app history ${input.app}\``,
    };
  await setAutomationPaused(state, input, true, input.now);
  return {
    ok: true,
    job: manualJob({ ...input, revision: entry.revision, reason: 'rollback' }),
    message: `queued rollback of ${input.env}/${input.app} to ${shortRevision(entry.revision)} (history ${input.historyId}); automated syncs are paused until \`syncwave app resume ${input.app}\``,
  };
}
