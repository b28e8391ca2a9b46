import { worstHealth } from '../health/worst-health.ts';
import type { HistoryEntry, HistoryResource } from '../history.ts';
import type { Health, OperationPhase, Outcome } from '../model.ts';
import { objectKey } from '../object-key.ts';
import type { SyncOperation, SyncPlan, TaskResult } from '../operation.ts';
import { ignoresExtraneous } from '../plan/annotations.ts';
import type { AppState, InventoryEntry, ResourceStatus } from '../state.ts';
import type { SyncContext } from './sync-context.ts';

const APPLIED: ReadonlySet<Outcome> = new Set(['created', 'configured', 'unchanged']);

export interface SyncFinish {
  phase: OperationPhase;
  message: string;
  plan: SyncPlan;
  results: ReadonlyMap<string, TaskResult>;
  health: ReadonlyMap<string, Health>;
  previousInventory: readonly InventoryEntry[];
}

function entry(t: { apiVersion: string; kind: string; namespace?: string; name: string }): InventoryEntry {
  return { apiVersion: t.apiVersion, kind: t.kind, namespace: t.namespace, name: t.name };
}

/** What the app owns after this sync: everything applied, everything kept, and what failed to prune. */
function nextInventory(finish: SyncFinish): InventoryEntry[] {
  const keys = new Set<string>();
  const out: InventoryEntry[] = [];
  const add = (key: string, e: InventoryEntry) => {
    if (!keys.has(key)) {
      keys.add(key);
      out.push(e);
    }
  };
  for (const t of finish.plan.tasks) {
    if (t.hook) continue;
    const outcome = finish.results.get(t.key)?.outcome;
    if (t.action === 'prune' && outcome === 'pruned') continue;
    if (t.desired && outcome && !APPLIED.has(outcome) && !t.live) continue;
    add(t.key, entry(t));
  }
  if (finish.phase !== 'Succeeded') {
    for (const e of finish.previousInventory) add(objectKey(e), e);
  }
  return out;
}

function resourceStatuses(finish: SyncFinish): ResourceStatus[] {
  return finish.plan.tasks
    .filter((t) => !t.hook && !(t.action === 'prune' && finish.results.get(t.key)?.outcome === 'pruned'))
    .map((t) => {
      const result = finish.results.get(t.key);
      const synced = t.desired !== undefined && result !== undefined && APPLIED.has(result.outcome);
      return {
        ...entry(t),
        wave: t.wave,
        syncStatus: synced ? 'Synced' : 'OutOfSync',
        health: t.desired ? finish.health.get(t.key) : undefined,
        outcome: result?.outcome,
        message: result?.message ?? (t.action === 'keep' ? t.reason : undefined),
      };
    });
}

/** The history entry and the app state a finished sync leaves behind. */
export function recordSync(
  ctx: SyncContext,
  op: SyncOperation,
  finish: SyncFinish,
): { history: Omit<HistoryEntry, 'id'>; state: AppState } {
  const now = ctx.clock.now().toISOString();
  const resources = resourceStatuses(finish);
  const health = worstHealth(resources.filter((r) => r.health).map((r) => r.health as Health));
  const historyResources: HistoryResource[] = finish.plan.tasks.map((t) => ({
    ...entry(t),
    wave: t.wave,
    phase: t.phase,
    action: t.action,
    outcome: finish.results.get(t.key)?.outcome ?? 'skipped',
    message: finish.results.get(t.key)?.message,
  }));
  const history: Omit<HistoryEntry, 'id'> = {
    env: ctx.app.env.name,
    app: ctx.app.name,
    revision: ctx.revision,
    initiator: ctx.initiator,
    deliveryId: ctx.deliveryId,
    startedAt: op.startedAt,
    finishedAt: now,
    phase: finish.phase,
    message: finish.message,
    health,
    resources: historyResources,
  };
  // IgnoreExtraneous: an object kept in the cluster that Git no longer holds is still listed OutOfSync, but does not count.
  const ignored = new Set(
    finish.plan.tasks.filter((t) => !t.desired && t.live && ignoresExtraneous(t.live)).map((t) => t.key),
  );
  const synced =
    finish.phase === 'Succeeded' &&
    resources.every((r) => r.syncStatus === 'Synced' || ignored.has(objectKey(r)));
  const state: AppState = {
    env: ctx.app.env.name,
    app: ctx.app.name,
    revision: ctx.revision,
    syncStatus: synced ? 'Synced' : 'OutOfSync',
    health,
    resources,
    inventory: nextInventory(finish),
    lastOperation: {
      phase: finish.phase,
      message: finish.message,
      revision: ctx.revision,
      initiator: ctx.initiator,
      startedAt: op.startedAt,
      finishedAt: now,
    },
    wave: ctx.app.wave,
    path: ctx.app.path,
    namespace: ctx.app.namespace,
    updatedAt: now,
  };
  return { history, state };
}
