import type { AppSpec } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import type { Cluster } from '../ports.ts';
import { shortRevision } from '../short-revision.ts';
import type { OpenGate, WaveGate } from '../state.ts';
import { DEFAULT_POLL_INTERVAL_MS } from '../sync/sync-context.ts';
import { continueLater, finishJob, recordProgress } from './finish-job.ts';
import type { JobResult } from './job-result.ts';
import type { JobRun } from './job-run.ts';
import { laterWaves, summarize } from './job-summary.ts';
import { gatesBefore } from './open-gates.ts';
import { syncOne } from './sync-one.ts';
import { gateTimeoutAt, waitForApps } from './wave-gate.ts';

export interface WavesInput {
  apps: readonly AppSpec[];
  objects: ReadonlyMap<string, readonly KubeObject[]>;
  cluster: Cluster;
  historyLimit: number;
  /** True when the environment is at its branch tip once every app succeeded. */
  convergesTip: boolean;
}

/**
 * The apply stage of a job: app wave by app wave, the apps of a wave in parallel, each wave
 * healthy before the next. The gate between two waves has a deadline fixed when the wave
 * finished and saved with the progress: continuing the job never restarts the wait. Gates
 * inherited from a superseded job are passed, with their own deadlines, before the first
 * app of a later wave: superseding a job never restarts its wait either.
 */
export async function syncWaves(run: JobRun, input: WavesInput): Promise<JobResult> {
  const waves = [...new Set(input.apps.map((a) => a.wave))].sort((a, b) => a - b);
  if (run.progress.gate) {
    const stop = await passGate(run, input, laterWaves(waves, -1));
    if (stop) return stop;
  }
  for (const [i, wave] of waves.entries()) {
    const inherited = await passInheritedGates(run, input, wave, laterWaves(waves, i - 1));
    if (inherited) return inherited;
    const apps = input.apps.filter((a) => a.wave === wave);
    const outcomes = await Promise.all(
      apps.map((app) => syncOne(run, app, input.objects.get(app.name) ?? [], input)),
    );
    const waiting = outcomes.flatMap((o) => (o.status === 'continue' ? [o.message] : []));
    if (waiting.length) return continueLater(run, waiting.join('; '));
    const failed = run.result.apps.filter((a) => a.phase === 'Failed' || a.phase === 'Error');
    if (failed.length)
      return finishJob(
        run,
        'failed',
        `${failed.map((f) => `${f.app}: ${f.message}`).join('; ')}${laterWaves(waves, i)}`,
      );
    run.progress.appsDone = [...new Set([...run.progress.appsDone, ...apps.map((a) => a.name)])];
    if (i === waves.length - 1 || run.job.dryRun) continue;
    run.progress.gate = {
      wave,
      apps: apps.map((a) => a.name),
      timeoutAt: gateTimeoutAt(
        run.deps.clock.now(),
        apps.map((a) => a.syncPolicy.healthTimeoutSeconds),
      ).toISOString(),
    };
    // Remember the finished wave: a job cut short from here on (a crash, a killed process) is
    // continued without syncing these apps a second time, and waits at the same gate.
    await recordProgress(run);
    const stop = await passGate(run, input, laterWaves(waves, i));
    if (stop) return stop;
  }
  return finishJob(run, 'succeeded', summarize(run.result.apps), { converged: input.convergesTip });
}

/** Waits at the saved gate; a result when the job stops there (deadline, unhealthy), else undefined. */
async function passGate(run: JobRun, input: WavesInput, later: string): Promise<JobResult | undefined> {
  const gate = run.progress.gate;
  if (!gate) return undefined;
  const outcome = await waitAtGate(run, input, gate);
  if (outcome.status === 'deadline') return continueLater(run, `app wave ${gate.wave}: ${outcome.message}`);
  run.progress.gate = undefined;
  if (outcome.status !== 'healthy')
    return finishJob(run, 'failed', `app wave ${gate.wave}: ${outcome.message}${later}`);
  for (const summary of run.result.apps)
    if (gate.apps.includes(summary.app)) summary.health = { status: 'Healthy' };
  return undefined;
}

/**
 * Waits at the gates an earlier job left open before `wave` (their deadlines unchanged); a
 * result when the job stops at one (deadline, unhealthy), else undefined.
 */
async function passInheritedGates(
  run: JobRun,
  input: WavesInput,
  wave: number,
  later: string,
): Promise<JobResult | undefined> {
  if (run.job.dryRun) return undefined;
  for (const gate of gatesBefore(run.progress.inheritedGates ?? [], wave)) {
    const outcome = await waitAtGate(run, input, gate);
    if (outcome.status === 'deadline') return continueLater(run, `app wave ${gate.wave}: ${outcome.message}`);
    run.progress.inheritedGates = run.progress.inheritedGates?.filter((g) => g !== gate);
    if (outcome.status !== 'healthy')
      return finishJob(
        run,
        'failed',
        `app wave ${gate.wave}: ${outcome.message} (its gate opened by job ${gate.jobId} at ${shortRevision(gate.revision)})${later}`,
      );
  }
  return undefined;
}

function waitAtGate(run: JobRun, input: WavesInput, gate: WaveGate | OpenGate) {
  return waitForApps(gate.apps, {
    env: run.job.env,
    state: run.deps.state,
    cluster: input.cluster,
    clock: run.deps.clock,
    timeoutAt: new Date(gate.timeoutAt),
    deadline: run.deadline,
    pollIntervalMs: run.deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
  });
}
