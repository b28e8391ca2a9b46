import { errorMessage } from '../errors.ts';
import type { EngineDeps } from '../job/engine-deps.ts';
import type { JobResult } from '../job/job-result.ts';
import type { Job } from '../ports.ts';
import { shortRevision } from '../short-revision.ts';
import { previewEnvironment } from './preview-environment.ts';
import type { PreviewTarget } from './preview-publisher.ts';
import type { PreviewReport } from './preview-report.ts';
import { previewTitle } from './preview-title.ts';

/**
 * A preview job (reason 'preview'): skipped when the pull request has a newer head by now,
 * else previewEnvironment() and the report published (a GitHub check run). Takes no lease and
 * writes nothing to the cluster or the state store: deploys of the environment go on meanwhile.
 */
export async function runPreviewJob(job: Job, deps: EngineDeps): Promise<JobResult> {
  const result: JobResult = {
    jobId: job.id,
    env: job.env,
    revision: job.revision,
    outcome: 'succeeded',
    message: '',
    apps: [],
  };
  const newer = await newerHead(job, deps);
  if (newer) {
    const message = `superseded: pull request #${job.pullRequest?.number} has a newer head ${shortRevision(newer)}`;
    deps.log.info('preview skipped', {
      env: job.env,
      deliveryId: job.id,
      revision: job.revision,
      outcome: 'skipped',
      message,
    });
    return { ...result, outcome: 'superseded', message };
  }
  const target: PreviewTarget = {
    // The pull request's repository (`owner/name` from the webhook), where its check runs go.
    repo: job.repo,
    revision: job.revision,
    env: job.env,
    ...(job.pullRequest ? { pullRequest: job.pullRequest } : {}),
  };
  const handle = await publish(deps, 'started', () => deps.previews?.started(target));
  const report = await previewOrFailure(job, deps);
  await publish(deps, 'finished', () => deps.previews?.finished({ ...target, handle, report }));
  const message = previewTitle(report);
  deps.log.info('preview finished', {
    env: job.env,
    deliveryId: job.id,
    revision: job.revision,
    outcome: report.outcome,
    message,
  });
  return {
    ...result,
    outcome: report.outcome === 'failed' ? 'failed' : 'succeeded',
    message,
    preview: report,
  };
}

/** The tip of the pull request's head ref when it is no longer the job's revision. */
async function newerHead(job: Job, deps: EngineDeps): Promise<string | undefined> {
  if (!job.pullRequest) return undefined;
  try {
    const head = await deps.source.resolve(job.pullRequest.headRef);
    return head !== job.revision ? head : undefined;
  } catch {
    // The head branch is gone (merged and deleted) or unreadable: preview what was asked.
    return undefined;
  }
}

async function previewOrFailure(job: Job, deps: EngineDeps): Promise<PreviewReport> {
  try {
    return await previewEnvironment(
      {
        env: job.env,
        revision: job.revision,
        ...(job.changedPaths !== 'all' ? { changedPaths: job.changedPaths } : {}),
      },
      deps,
    );
  } catch (error) {
    return {
      env: job.env,
      revision: job.revision,
      outcome: 'failed',
      apps: [],
      notes: [`preview failed: ${errorMessage(error)}`],
    };
  }
}

async function publish<T>(
  deps: EngineDeps,
  step: string,
  send: () => Promise<T> | undefined,
): Promise<T | undefined> {
  try {
    return await send();
  } catch (error) {
    deps.log.warn(`preview ${step}: not published`, { error: errorMessage(error) });
    return undefined;
  }
}
