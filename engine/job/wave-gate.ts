import { objectKey } from '../object-key.ts';
import type { Clock, Cluster, StateStore } from '../ports.ts';
import { refreshAppHealth } from '../sync/refresh-health.ts';
import { type WaitOutcome, waitHealthy } from '../sync/wait-healthy.ts';

export interface WaveGateOptions {
  env: string;
  state: StateStore;
  cluster: Cluster;
  clock: Clock;
  /** When the wait ends with a timeout: fixed when the wave finished, saved with the job's progress. */
  timeoutAt: Date;
  /** Stop (to be continued) at this time, if sooner. */
  deadline?: Date;
  pollIntervalMs: number;
}

/**
 * Between app waves: every object of the wave's apps must be Healthy before the next
 * wave starts (Argo CD's app-of-apps waves), read back from the recorded app state.
 */
export async function waitForApps(apps: readonly string[], opts: WaveGateOptions): Promise<WaitOutcome> {
  const objects = [];
  for (const app of apps) {
    const state = await opts.state.getApp(opts.env, app);
    for (const r of state?.resources ?? []) {
      if (r.syncStatus === 'Synced') objects.push({ ...r, key: objectKey(r) });
    }
  }
  const outcome = await waitHealthy(objects, opts);
  if (outcome.status === 'healthy') {
    // Record what the gate saw, so the wave's apps show Healthy right away.
    for (const app of apps) {
      const state = await opts.state.getApp(opts.env, app);
      if (state) await refreshAppHealth(state, opts);
    }
  }
  return outcome;
}

/** When a gate that starts now times out: the longest health timeout of the wave's apps. */
export function gateTimeoutAt(now: Date, healthTimeoutsSeconds: readonly number[]): Date {
  return new Date(now.getTime() + Math.max(1, ...healthTimeoutsSeconds) * 1000);
}
