import type { AppSpec } from '../app-spec.ts';
import { loadRepoConfig, type RepoConfig } from '../config/load-repo-config.ts';
import { errorMessage } from '../errors.ts';
import type { Environment } from '../model.ts';
import { policyFailures } from '../policy/policy-preflight.ts';
import type { Job } from '../ports.ts';
import { runPreviewJob } from '../preview/run-preview-job.ts';
import { renderForConfig } from '../render/render-for-config.ts';
import { shortRevision } from '../short-revision.ts';
import type { AppState, JobProgress } from '../state.ts';
import { coalescedReads } from '../sync/coalesced-reads.ts';
import { changesSince } from './changes-since.ts';
import type { EngineDeps } from './engine-deps.ts';
import { finishJob, notify } from './finish-job.ts';
import { followsBranch, jobRevision, syncedByThisJob } from './job-guards.ts';
import type { JobResult } from './job-result.ts';
import type { JobRun } from './job-run.ts';
import { gatesToInherit, withoutApps } from './open-gates.ts';
import { recordFailureBeforeApply } from './record-failure.ts';
import { renderApps } from './render-apps.ts';
import { type Selection, selectApps, selectAtTip } from './select-apps.ts';
import { syncWaves } from './sync-waves.ts';

const LEASE_TTL_MS = 16 * 60 * 1000;

/**
 * Runs one job for one environment, in stages: lease -> guards (config, branch tip) ->
 * select apps -> render all -> sync app wave by app wave (engine/job/sync-waves.ts) ->
 * record. A push or poll job deploys its branch's tip or nothing ('superseded'), so the
 * same delivery twice or an old one arriving late changes nothing. Resumable: 'continue'
 * means run the same job again later; 'busy' means another job holds the environment.
 */
export async function runJob(job: Job, deps: EngineDeps, opts: { deadline?: Date } = {}): Promise<JobResult> {
  if (job.reason === 'preview') return runPreviewJob(job, deps);
  const revision = await jobRevision(job, deps);
  const result: JobResult = {
    jobId: job.id,
    env: job.env,
    revision,
    outcome: 'succeeded',
    message: '',
    apps: [],
  };
  const nowMs = deps.clock.now().getTime();
  if (!(await deps.state.acquireLease(job.env, deps.owner, LEASE_TTL_MS, nowMs)))
    return {
      ...result,
      outcome: 'busy',
      message: `environment ${job.env} is busy with another job; try again`,
    };
  try {
    const envState = await deps.state.getEnvironment(job.env);
    const saved = envState?.inProgress;
    const progress: JobProgress =
      saved?.jobId === job.id && saved.revision === revision
        ? saved
        : { jobId: job.id, revision, appsDone: [] };
    if (progress !== saved && followsBranch(job)) {
      const inherited = gatesToInherit(envState, { id: job.id, revision });
      if (inherited.length) progress.inheritedGates = inherited;
    }
    return await runLeased({ job, revision, deps, deadline: opts.deadline, envState, progress, result });
  } catch (error) {
    deps.log.error('job failed unexpectedly', {
      env: job.env,
      deliveryId: job.id,
      revision,
      error: errorMessage(error),
    });
    return { ...result, outcome: 'failed', message: `unexpected error: ${errorMessage(error)}` };
  } finally {
    await deps.state.releaseLease(job.env, deps.owner);
  }
}

async function runLeased(run: JobRun): Promise<JobResult> {
  const { job, revision, deps } = run;
  const checkout = await deps.source.checkout(revision);
  const loaded = await loadRepoConfig(checkout.dir, { render: renderForConfig(checkout, deps) });
  if (!loaded.ok)
    return finishJob(
      run,
      'failed',
      `${loaded.subject} at ${shortRevision(revision)} is invalid: ${loaded.errors.join('; ')}`,
    );
  const env = loaded.config.environment(job.env);
  if (!env)
    return finishJob(
      run,
      'failed',
      `environment ${job.env} is not declared in ${loaded.config.subject} at ${shortRevision(revision)}`,
    );
  const superseded = await supersededBy(run, env);
  if (superseded) return superseded;
  const { selected, notes, blocked = [] } = await selectForJob(run, loaded.config.apps(job.env));
  const done = new Set(run.progress.appsDone);
  for (const app of selected)
    if (await syncedByThisJob(deps.state, job, revision, app.name)) done.add(app.name);
  const todo = selected.filter((a) => !done.has(a.name));
  if (run.progress.inheritedGates)
    run.progress.inheritedGates = withoutApps(
      run.progress.inheritedGates,
      todo.map((a) => a.name),
    );
  const convergesTip = followsBranch(job) && blocked.length === 0;
  if (!todo.length) {
    const why =
      notes.join('; ') || `nothing to sync: every app is at ${shortRevision(revision)} or unchanged since`;
    return finishJob(run, done.size ? 'succeeded' : 'skipped', why, { converged: convergesTip });
  }
  await notify(run, 'pending', `syncing ${todo.map((a) => a.name).join(', ')}`);
  const rendered = await renderApps(todo, checkout, {
    tools: deps.tools,
    cacheDir: deps.cacheDir,
    limits: deps.renderLimits,
  });
  if (!rendered.ok) return recordRenderFailures(run, rendered.failures, loaded.config);
  const refused = await policyFailures({
    ...rendered,
    policy: deps.policy,
    env,
    apps: todo,
    cluster: () => deps.clusterFor(env),
  });
  if (refused.length) return recordRenderFailures(run, refused, loaded.config);
  return syncWaves(run, {
    apps: todo,
    objects: rendered.objects,
    // The apps of a wave read the cluster at once: their reads share requests (coalesced-reads.ts).
    cluster: coalescedReads(await deps.clusterFor(env)),
    historyLimit: loaded.config.historyLimit,
    convergesTip,
  });
}

/** Guard: a push or poll job whose revision is no longer its branch's tip deploys nothing. */
async function supersededBy(run: JobRun, env: Environment): Promise<JobResult | undefined> {
  if (!followsBranch(run.job)) return undefined;
  const tip = await run.deps.source.resolve(env.branch);
  if (tip === run.revision) return undefined;
  const message = `revision ${shortRevision(run.revision)} is no longer the tip of ${env.branch} (now ${shortRevision(tip)}); not deployed: the environment follows its branch`;
  run.deps.log.info('job superseded', {
    env: run.job.env,
    deliveryId: run.job.id,
    revision: run.revision,
    tip,
  });
  return finishJob(run, 'superseded', message);
}

/** Which apps this job syncs: push and poll by what changed since each app's synced revision. */
async function selectForJob(run: JobRun, apps: readonly AppSpec[]): Promise<Selection> {
  const { job, deps } = run;
  const states = new Map<string, AppState>((await deps.state.listApps(job.env)).map((s) => [s.app, s]));
  if (!followsBranch(job)) return selectApps(apps, job, states);
  const unfinished = new Set<string>();
  const succeededAtTip = new Set<string>();
  for (const app of apps) {
    if (await deps.state.getOperation(job.env, app.name)) unfinished.add(app.name);
    const [last] = await deps.state.listHistory(job.env, app.name, 1);
    if (last?.revision === run.revision && last.phase === 'Succeeded' && !last.dryRun)
      succeededAtTip.add(app.name);
  }
  return selectAtTip(apps, {
    tip: run.revision,
    states,
    changed: await changesSince(states, run.revision, deps.source),
    unfinished,
    succeededAtTip,
  });
}

/** A render error: nothing is applied; every failed app gets its history entry. */
async function recordRenderFailures(
  run: JobRun,
  failures: ReadonlyArray<{ app: AppSpec; message: string }>,
  config: RepoConfig,
): Promise<JobResult> {
  for (const f of failures) {
    await recordFailureBeforeApply(run.deps.state, {
      app: f.app,
      revision: run.revision,
      initiator: run.job.reason,
      deliveryId: run.job.id,
      message: f.message,
      now: run.deps.clock.now().toISOString(),
      historyLimit: config.historyLimit,
    });
    run.result.apps.push({
      app: f.app.name,
      wave: f.app.wave,
      phase: 'Failed',
      message: f.message,
      health: { status: 'Unknown' },
      resources: [],
    });
  }
  return finishJob(run, 'failed', `nothing applied: ${failures.map((f) => f.message).join('; ')}`);
}
