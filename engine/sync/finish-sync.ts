import { normalizeForDiff } from '../diff/normalize-for-diff.ts';
import { assessHealth } from '../health/assess-health.ts';
import type { Health, KubeObject, OperationPhase } from '../model.ts';
import { groupOf } from '../object-key.ts';
import type { SyncOperation, SyncPlan, TaskResult } from '../operation.ts';
import type { InventoryEntry } from '../state.ts';
import { updateAppState } from '../update-app-state.ts';
import { appliedRecords } from './applied-records.ts';
import { observeHealth } from './observe-health.ts';
import { recordSync } from './record-sync.ts';
import type { SyncAppResult } from './sync-app-result.ts';
import type { SyncContext } from './sync-context.ts';

export interface FinishInput {
  phase: OperationPhase;
  message: string;
  plan: SyncPlan;
  results: Map<string, TaskResult>;
  /** Health seen by the apply stage's waits; refreshed here for every applied object. */
  health: Map<string, Health>;
  previousInventory: readonly InventoryEntry[];
  desired: readonly KubeObject[];
  /** What this sync wrote, by object key (the last-applied records). */
  applied: ReadonlyMap<string, KubeObject>;
}

/**
 * The record stage of a sync, however it ended: the history entry, the app state (written
 * compare-and-set), the desired objects of a successful sync, and the saved operation deleted.
 */
export async function finishSync(
  ctx: SyncContext,
  op: SyncOperation,
  f: FinishInput,
): Promise<SyncAppResult> {
  const health = await finalHealth(ctx, f.plan, f.health, f.applied);
  const { history, state } = recordSync(ctx, op, { ...f, health });
  const entry = await ctx.state.appendHistory(history, ctx.historyLimit);
  state.lastOperation = {
    ...(state.lastOperation as NonNullable<typeof state.lastOperation>),
    historyId: entry.id,
  };
  state.applied = appliedRecords(f);
  // Compare-and-set: what a concurrent writer (a drift pass, a resume) set is kept, and its
  // stale copy can never overwrite this sync's inventory.
  await updateAppState(ctx.state, { env: ctx.app.env.name, app: ctx.app.name }, (prior) => ({
    ...state,
    automationPaused: prior?.automationPaused,
    syncedRevision: f.phase === 'Succeeded' ? ctx.revision : prior?.syncedRevision,
  }));
  if (f.phase === 'Succeeded')
    // Stored as drift compares it: normalised, the app's ignoreDifferences taken out.
    await ctx.state.putDesired(
      ctx.app.env.name,
      ctx.app.name,
      ctx.revision,
      f.desired.map((o) => normalizeForDiff(o, { ignore: ctx.app.ignoreDifferences })),
    );
  await ctx.state.deleteOperation(ctx.app.env.name, ctx.app.name);
  ctx.log.info('sync finished', {
    env: ctx.app.env.name,
    app: ctx.app.name,
    revision: ctx.revision,
    outcome: f.phase,
    message: f.message,
    historyId: entry.id,
  });
  return {
    status: 'done',
    phase: f.phase,
    message: f.message,
    plan: f.plan,
    health: state.health,
    historyId: entry.id,
    results: [...f.results.values()],
  };
}

/**
 * Kinds whose health is only whether they exist (no status, no rule in assessHealth): the
 * answer of the apply this sync just made is as current as another read of them.
 */
const STATUSLESS = new Set([
  '/ConfigMap',
  '/Secret',
  '/ServiceAccount',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
]);

/**
 * One last look at every applied object so the recorded health is current. An object of a
 * statusless kind that this sync wrote is judged by the apply's answer instead of a GET (a push
 * over 300 one-ConfigMap apps read each ConfigMap again right after writing it; issue 13).
 */
async function finalHealth(
  ctx: SyncContext,
  plan: SyncPlan,
  known: Map<string, Health>,
  applied: ReadonlyMap<string, KubeObject>,
): Promise<Map<string, Health>> {
  const answered = new Map<string, Health>();
  const objects = plan.tasks.filter((t) => {
    if (!t.desired || t.hook) return false;
    const written = applied.get(t.key);
    if (!written || !STATUSLESS.has(`${groupOf(t.apiVersion)}/${t.kind}`)) return true;
    const { status, message } = assessHealth(written);
    answered.set(t.key, message === undefined ? { status } : { status, message });
    return false;
  });
  try {
    const seen = objects.length ? await observeHealth(ctx.cluster, objects) : new Map();
    return new Map([
      ...known,
      ...answered,
      ...[...seen].map(([k, h]) => [k, { status: h.status, message: h.message }] as const),
    ]);
  } catch {
    return new Map([...known, ...answered]);
  }
}
