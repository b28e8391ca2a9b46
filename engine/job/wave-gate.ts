import { objectKey } from '../object-key.ts';
import type { Clock, Cluster, StateStore } from '../ports.ts';
import { refreshAppHealth } from '../sync/refresh-health.ts';
import { type WaitOutcome, waitHealthy } from '../sync/wait-healthy.ts';

/**
 * Between app waves: every object of the wave's apps must be Healthy before the next
 * wave starts (Argo CD's app-of-apps waves), read back from the recorded app state.
 */
export async function waitForApps(
  apps: ReadonlyArray<{ name: string; healthTimeoutSeconds: number }>,
  opts: {
    env: string;
    state: StateStore;
    cluster: Cluster;
    clock: Clock;
    deadline?: Date;
    pollIntervalMs: number;
  },
): Promise<WaitOutcome> {
  const objects = [];
  for (const app of apps) {
    const state = await opts.state.getApp(opts.env, app.name);
    for (const r of state?.resources ?? []) {
      if (r.syncStatus === 'Synced') objects.push({ ...r, key: objectKey(r) });
    }
  }
  const timeout = Math.max(...apps.map((a) => a.healthTimeoutSeconds), 1);
  const outcome = await waitHealthy(objects, {
    cluster: opts.cluster,
    clock: opts.clock,
    timeoutAt: new Date(opts.clock.now().getTime() + timeout * 1000),
    deadline: opts.deadline,
    pollIntervalMs: opts.pollIntervalMs,
  });
  if (outcome.status === 'healthy') {
    // Record what the gate saw, so the wave's apps show Healthy right away.
    for (const app of apps) {
      const state = await opts.state.getApp(opts.env, app.name);
      if (state) await refreshAppHealth(state, opts);
    }
  }
  return outcome;
}
