import type { AppSpec } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import type { Cluster } from '../ports.ts';
import { type SyncAppResult, syncApp } from '../sync/sync-app.ts';
import { DEFAULT_CONCURRENCY, DEFAULT_POLL_INTERVAL_MS, type SyncRequest } from '../sync/sync-context.ts';
import type { JobRun } from './job-run.ts';
import { planResources } from './job-summary.ts';

/** The sync options of a job for one app: automated jobs prune as the app's policy says. */
export function syncRequest(run: Pick<JobRun, 'job'>, app: AppSpec): SyncRequest {
  const { job } = run;
  const automated = job.reason === 'push' || job.reason === 'poll' || job.reason === 'self-heal';
  return {
    prune: job.prune ?? (automated ? (app.syncPolicy.automated?.prune ?? false) : false),
    dryRun: job.dryRun ?? false,
    force: false,
  };
}

/** Syncs one app of the job and adds what happened to the job's result. */
export async function syncOne(
  run: JobRun,
  app: AppSpec,
  objects: readonly KubeObject[],
  env: { cluster: Cluster; historyLimit: number },
): Promise<SyncAppResult> {
  const { deps, job } = run;
  const out = await syncApp(
    {
      app,
      revision: run.revision,
      initiator: job.reason,
      deliveryId: job.id,
      cluster: env.cluster,
      state: deps.state,
      clock: deps.clock,
      log: deps.log,
      historyLimit: env.historyLimit,
      deadline: run.deadline,
      request: syncRequest(run, app),
      pollIntervalMs: deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      concurrency: deps.concurrency ?? DEFAULT_CONCURRENCY,
    },
    objects,
  );
  if (out.status === 'dry-run')
    run.result.apps.push({
      app: app.name,
      wave: app.wave,
      phase: 'Skipped',
      message: 'dry run: nothing applied',
      health: { status: 'Unknown' },
      resources: planResources(out.plan),
    });
  if (out.status === 'done')
    run.result.apps.push({
      app: app.name,
      wave: app.wave,
      phase: out.phase,
      message: out.message,
      health: out.health,
      historyId: out.historyId,
      resources: planResources(out.plan, out.results),
    });
  return out;
}
