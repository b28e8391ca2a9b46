import type { AppSpec } from '../app-spec.ts';
import { loadRepoConfig, type RepoConfig } from '../config/load-repo-config.ts';
import { errorMessage } from '../errors.ts';
import type { KubeObject } from '../model.ts';
import type { Cluster, Job } from '../ports.ts';
import { runPreviewJob } from '../preview/run-preview-job.ts';
import { shortRevision } from '../short-revision.ts';
import type { EnvironmentState } from '../state.ts';
import { type SyncAppResult, syncApp } from '../sync/sync-app.ts';
import { DEFAULT_CONCURRENCY, DEFAULT_POLL_INTERVAL_MS } from '../sync/sync-context.ts';
import type { EngineDeps } from './engine-deps.ts';
import { jobRevision, skipReason, syncedByThisJob } from './job-guards.ts';
import type { JobResult } from './job-result.ts';
import { laterWaves, planResources, summarize } from './job-summary.ts';
import { recordFailureBeforeApply } from './record-failure.ts';
import { renderApps } from './render-apps.ts';
import { selectApps } from './select-apps.ts';
import { waitForApps } from './wave-gate.ts';

const LEASE_TTL_MS = 16 * 60 * 1000;

interface JobRun {
  job: Job;
  revision: string;
  deps: EngineDeps;
  deadline?: Date;
  result: JobResult;
}

/**
 * Runs one job for one environment: lease it, never move it backwards, check out the
 * revision, render the affected apps, then sync them app wave by app wave, each wave
 * healthy before the next. Resumable: 'continue' means run the same job again later.
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
  if (!(await deps.state.acquireLease(job.env, deps.owner, LEASE_TTL_MS, nowMs))) {
    return {
      ...result,
      outcome: 'continue',
      message: `environment ${job.env} is busy with another job; try again`,
    };
  }
  try {
    return await runLeased({ job, revision, deps, deadline: opts.deadline, result });
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
  const { job, revision, deps, result } = run;
  const envState = await deps.state.getEnvironment(job.env);
  const skip = await skipReason(job, revision, envState, deps.source);
  if (skip) {
    deps.log.info('job skipped', {
      env: job.env,
      deliveryId: job.id,
      revision,
      outcome: 'skipped',
      message: skip,
    });
    return { ...result, outcome: 'skipped', message: skip };
  }
  const checkout = await deps.source.checkout(revision);
  const loaded = await loadRepoConfig(checkout.dir);
  if (!loaded.ok)
    return finishJob(
      run,
      envState,
      'failed',
      `syncwave.yaml at ${shortRevision(revision)} is invalid: ${loaded.errors.join('; ')}`,
    );
  const env = loaded.config.environment(job.env);
  if (!env)
    return finishJob(
      run,
      envState,
      'failed',
      `environment ${job.env} is not declared in syncwave.yaml at ${shortRevision(revision)}`,
    );
  const states = new Map((await deps.state.listApps(job.env)).map((s) => [s.app, s]));
  const { selected, notes } = selectApps(loaded.config.apps(job.env), job, states);
  const done = new Set(envState?.inProgress?.jobId === job.id ? envState.inProgress.appsDone : []);
  for (const app of selected)
    if (await syncedByThisJob(deps.state, job, revision, app.name)) done.add(app.name);
  const todo = selected.filter((a) => !done.has(a.name));
  if (!todo.length)
    return finishJob(run, envState, 'succeeded', notes.join('; ') || 'no app affected by this change');
  await notify(run, 'pending', `syncing ${todo.map((a) => a.name).join(', ')}`);
  const rendered = await renderApps(todo, checkout, { tools: deps.tools, cacheDir: deps.cacheDir });
  if (!rendered.ok) {
    for (const f of rendered.failures) {
      await recordFailureBeforeApply(deps.state, {
        app: f.app,
        revision,
        initiator: job.reason,
        deliveryId: job.id,
        message: f.message,
        now: deps.clock.now().toISOString(),
        historyLimit: loaded.config.historyLimit,
      });
      result.apps.push({
        app: f.app.name,
        wave: f.app.wave,
        phase: 'Failed',
        message: f.message,
        health: { status: 'Unknown' },
        resources: [],
      });
    }
    return finishJob(
      run,
      envState,
      'failed',
      `nothing applied: ${rendered.failures.map((f) => f.message).join('; ')}`,
    );
  }
  const cluster = await deps.clusterFor(env);
  const doneApps = selected.filter((a) => done.has(a.name));
  const lastDoneWave = Math.max(...doneApps.map((a) => a.wave));
  return syncWaves(run, {
    config: loaded.config,
    apps: todo,
    resumedGate: doneApps.filter((a) => a.wave === lastDoneWave),
    done,
    objects: rendered.objects,
    cluster,
    envState,
  });
}

async function syncWaves(
  run: JobRun,
  s: {
    config: RepoConfig;
    apps: AppSpec[];
    /** Resuming: the apps of the last finished wave, healthy before anything else is synced. */
    resumedGate: AppSpec[];
    done: Set<string>;
    objects: Map<string, KubeObject[]>;
    cluster: Cluster;
    envState?: EnvironmentState;
  },
): Promise<JobResult> {
  const { deps, job } = run;
  const waves = [...new Set(s.apps.map((a) => a.wave))].sort((a, b) => a - b);
  if (s.resumedGate.length) {
    const gate = await gateApps(run, s.resumedGate, s.cluster);
    if (gate.status === 'deadline') return saveProgress(run, s, gate.message);
    if (gate.status !== 'healthy')
      return finishJob(run, s.envState, 'failed', `${gate.message}${laterWaves(waves, -1)}`);
  }
  for (const [i, wave] of waves.entries()) {
    const apps = s.apps.filter((a) => a.wave === wave);
    const outcomes = await Promise.all(
      apps.map((app) => syncOne(run, app, s.objects.get(app.name) ?? [], s.cluster, s.config.historyLimit)),
    );
    if (outcomes.some((o) => o.status === 'continue'))
      return saveProgress(run, s, 'an app is still waiting for health');
    const failed = run.result.apps.filter((a) => a.phase === 'Failed' || a.phase === 'Error');
    if (failed.length)
      return finishJob(
        run,
        s.envState,
        'failed',
        `${failed.map((f) => `${f.app}: ${f.message}`).join('; ')}${laterWaves(waves, i)}`,
      );
    for (const a of apps) s.done.add(a.name);
    if (i === waves.length - 1) break;
    // Remember the finished wave: a job cut short from here on (a crash, a killed process) is
    // continued without syncing these apps a second time.
    if (!job.dryRun) await recordProgress(run, s);
    const gate = await waitForApps(
      apps.map((a) => ({ name: a.name, healthTimeoutSeconds: a.syncPolicy.healthTimeoutSeconds })),
      {
        env: job.env,
        state: deps.state,
        cluster: s.cluster,
        clock: deps.clock,
        deadline: run.deadline,
        pollIntervalMs: deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      },
    );
    if (gate.status === 'deadline') return saveProgress(run, s, gate.message);
    if (gate.status !== 'healthy')
      return finishJob(run, s.envState, 'failed', `app wave ${wave}: ${gate.message}${laterWaves(waves, i)}`);
    for (const summary of run.result.apps) if (summary.wave === wave) summary.health = { status: 'Healthy' };
  }
  return finishJob(run, s.envState, 'succeeded', summarize(run.result.apps));
}

function gateApps(run: JobRun, apps: readonly AppSpec[], cluster: Cluster) {
  return waitForApps(
    apps.map((a) => ({ name: a.name, healthTimeoutSeconds: a.syncPolicy.healthTimeoutSeconds })),
    {
      env: run.job.env,
      state: run.deps.state,
      cluster,
      clock: run.deps.clock,
      deadline: run.deadline,
      pollIntervalMs: run.deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    },
  );
}

async function syncOne(
  run: JobRun,
  app: AppSpec,
  objects: KubeObject[],
  cluster: Cluster,
  historyLimit: number,
): Promise<SyncAppResult> {
  const { deps, job } = run;
  const automated = job.reason === 'push' || job.reason === 'poll' || job.reason === 'self-heal';
  const out = await syncApp(
    {
      app,
      revision: run.revision,
      initiator: job.reason,
      deliveryId: job.id,
      cluster,
      state: deps.state,
      clock: deps.clock,
      log: deps.log,
      historyLimit,
      deadline: run.deadline,
      request: {
        prune: job.prune ?? (automated ? (app.syncPolicy.automated?.prune ?? false) : false),
        dryRun: job.dryRun ?? false,
        force: false,
      },
      pollIntervalMs: deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      concurrency: deps.concurrency ?? DEFAULT_CONCURRENCY,
    },
    objects,
  );
  if (out.status === 'dry-run') {
    run.result.apps.push({
      app: app.name,
      wave: app.wave,
      phase: 'Skipped',
      message: 'dry run: nothing applied',
      health: { status: 'Unknown' },
      resources: planResources(out.plan),
    });
  }
  if (out.status === 'done') {
    run.result.apps.push({
      app: app.name,
      wave: app.wave,
      phase: out.phase,
      message: out.message,
      health: out.health,
      historyId: out.historyId,
      resources: planResources(out.plan, out.results),
    });
  }
  return out;
}

async function saveProgress(
  run: JobRun,
  s: { done: Set<string>; envState?: EnvironmentState },
  message: string,
): Promise<JobResult> {
  await recordProgress(run, s);
  return { ...run.result, outcome: 'continue', message };
}

async function recordProgress(
  run: JobRun,
  s: { done: Set<string>; envState?: EnvironmentState },
): Promise<void> {
  await run.deps.state.putEnvironment({
    ...(s.envState ?? { env: run.job.env }),
    env: run.job.env,
    inProgress: { jobId: run.job.id, revision: run.revision, appsDone: [...s.done] },
    updatedAt: run.deps.clock.now().toISOString(),
  });
}

async function finishJob(
  run: JobRun,
  envState: EnvironmentState | undefined,
  outcome: 'succeeded' | 'failed',
  message: string,
): Promise<JobResult> {
  const { deps, job, revision } = run;
  const forward = job.reason === 'push' || job.reason === 'poll' || !envState?.lastRevision;
  if (!job.dryRun)
    await deps.state.putEnvironment({
      env: job.env,
      lastRevision: forward ? revision : envState?.lastRevision,
      lastJobId: job.id,
      inProgress: undefined,
      updatedAt: deps.clock.now().toISOString(),
    });
  if (!job.dryRun) await deps.state.markJobDone?.(job.id, deps.clock.now().getTime());
  await notify(run, outcome === 'succeeded' ? 'success' : 'failure', message);
  deps.log.info('job finished', { env: job.env, deliveryId: job.id, revision, outcome, message });
  return { ...run.result, outcome, message };
}

async function notify(
  run: JobRun,
  state: 'pending' | 'success' | 'failure',
  description: string,
): Promise<void> {
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
