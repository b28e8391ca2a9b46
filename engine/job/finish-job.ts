import { errorMessage } from '../errors.ts';
import type { CommitState } from '../ports.ts';
import { followsBranch } from './job-guards.ts';
import type { JobOutcome, JobResult } from './job-result.ts';
import { type JobRun, MAX_CONTINUATIONS } from './job-run.ts';
import { gatesToInherit, openGatesOf } from './open-gates.ts';

type FinalOutcome = Exclude<JobOutcome, 'busy' | 'continue'>;

const COMMIT_STATE: Record<FinalOutcome, CommitState | undefined> = {
  succeeded: 'success',
  failed: 'failure',
  superseded: 'error',
  skipped: undefined,
};

/**
 * Ends a job: records how it ended on the environment (its progress cleared; `lastRevision`
 * moves only when the environment converged to its branch tip; the wave gates a push or
 * poll job did not pass kept open for the next one, unless it succeeded; other jobs leave
 * them as they were), marks the job done, and sends the
 * commit status.
 */
export async function finishJob(
  run: JobRun,
  outcome: FinalOutcome,
  message: string,
  opts: { converged?: boolean } = {},
): Promise<JobResult> {
  const { deps, job, revision, envState } = run;
  if (!job.dryRun) {
    const openGates = !followsBranch(job)
      ? gatesToInherit(envState, { id: job.id, revision })
      : outcome === 'succeeded'
        ? []
        : openGatesOf(run.progress);
    await deps.state.putEnvironment({
      env: job.env,
      lastRevision: opts.converged ? revision : envState?.lastRevision,
      lastJobId: job.id,
      lastJob: { id: job.id, revision, outcome },
      inProgress: undefined,
      openGates: openGates.length ? openGates : undefined,
      updatedAt: deps.clock.now().toISOString(),
    });
    await deps.state.markJobDone?.(job.id, deps.clock.now().getTime());
  }
  const state = COMMIT_STATE[outcome];
  if (state) await notify(run, state, message);
  deps.log.info('job finished', { env: job.env, deliveryId: job.id, revision, outcome, message });
  return { ...run.result, outcome, message };
}

/** Saves where the job stands (apps done, the wave gate it waits at) without ending it. */
export async function recordProgress(run: JobRun): Promise<void> {
  if (run.job.dryRun) return;
  await run.deps.state.putEnvironment({
    ...(run.envState ?? { env: run.job.env }),
    env: run.job.env,
    inProgress: run.progress,
    updatedAt: run.deps.clock.now().toISOString(),
  });
}

/** Stops the job to be continued later; a job continued too often fails instead. */
export async function continueLater(run: JobRun, message: string): Promise<JobResult> {
  const continuations = (run.progress.continuations ?? 0) + 1;
  const max = run.deps.maxContinuations ?? MAX_CONTINUATIONS;
  if (continuations > max)
    return finishJob(run, 'failed', `stopped after ${max} continuations without finishing: ${message}`);
  run.progress = { ...run.progress, continuations };
  await recordProgress(run);
  return { ...run.result, outcome: 'continue', message };
}

export async function notify(run: JobRun, state: CommitState, description: string): Promise<void> {
  if (!run.deps.notifier || run.job.dryRun) return;
  try {
    await run.deps.notifier.commitStatus({
      repo: run.deps.repo ?? run.job.repo,
      revision: run.revision,
      context: `syncwave/${run.job.env}`,
      state,
      description: description.slice(0, 140),
    });
  } catch (error) {
    run.deps.log.warn('commit status not sent', {
      env: run.job.env,
      revision: run.revision,
      error: errorMessage(error),
    });
  }
}
