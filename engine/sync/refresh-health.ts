import { worstHealth } from '../health/worst-health.ts';
import type { Health } from '../model.ts';
import { objectKey } from '../object-key.ts';
import type { Clock, Cluster, StateStore } from '../ports.ts';
import type { AppState } from '../state.ts';
import { observeHealth } from './observe-health.ts';

/**
 * Looks at the app's objects in the cluster and records their current health (a sync records
 * the health it saw when it ended, usually Progressing for the last wave; this keeps
 * `app list` and `app wait --health` current). No-op while an operation runs on the app, or
 * when nothing changed. Returns the state as stored.
 */
export async function refreshAppHealth(
  app: AppState,
  deps: { cluster: Cluster; state: StateStore; clock: Clock },
): Promise<AppState> {
  const objects = app.resources
    .filter((r) => r.syncStatus === 'Synced' || r.health)
    .map((r) => ({ ...r, key: objectKey(r) }));
  if (objects.length === 0) return app;
  if (await deps.state.getOperation(app.env, app.app)) return app;
  const seen = await observeHealth(deps.cluster, objects);
  const resources = app.resources.map((r) => {
    const h = seen.get(objectKey(r));
    return h ? { ...r, health: { status: h.status, ...(h.message ? { message: h.message } : {}) } } : r;
  });
  const health = worstHealth(resources.filter((r) => r.health).map((r) => r.health as Health));
  const same =
    health.status === app.health.status &&
    health.message === app.health.message &&
    resources.every(
      (r, i) =>
        r.health?.status === app.resources[i]?.health?.status &&
        r.health?.message === app.resources[i]?.health?.message,
    );
  if (same) return app;
  if (await deps.state.getOperation(app.env, app.app)) return app;
  // Compare-and-set on the version this was computed from: a sync that finished meanwhile wins.
  const next: AppState = { ...app, resources, health, updatedAt: deps.clock.now().toISOString() };
  if (await deps.state.putApp(next)) return { ...next, version: (app.version ?? 0) + 1 };
  return (await deps.state.getApp(app.env, app.app)) ?? app;
}
