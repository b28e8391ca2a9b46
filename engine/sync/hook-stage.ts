import type { SyncPlan, SyncTask, TaskResult } from '../operation.ts';
import { applyGroup } from './apply-group.ts';
import { applyOptionsFor } from './apply-options-for.ts';
import { ownedByApp } from './owned-by-app.ts';
import type { SyncContext } from './sync-context.ts';

/**
 * The hooks stage after a wave: deletes the wave's hooks whose delete policy matches how the
 * wave ended (HookSucceeded, HookFailed), only those this app owns. Best effort: a hook left
 * behind is deleted by its next run (BeforeHookCreation).
 */
export async function deleteHooks(
  ctx: SyncContext,
  tasks: readonly SyncTask[],
  policy: 'HookSucceeded' | 'HookFailed',
): Promise<void> {
  const owned = ownedByApp(ctx.app);
  for (const t of tasks) {
    if (!t.hook?.deletePolicies.includes(policy)) continue;
    const live = await ctx.cluster.get(t.apiVersion, t.kind, t.name, t.namespace).catch(() => undefined);
    if (!live || !owned(live)) continue;
    await ctx.cluster
      .delete(t.apiVersion, t.kind, t.name, t.namespace, { propagationPolicy: 'Background' })
      .catch(() => undefined);
  }
}

/** The hooks stage of a failed sync: applies the plan's SyncFail hooks, their results added to `results`. */
export async function runSyncFailHooks(
  ctx: SyncContext,
  plan: SyncPlan,
  results: Map<string, TaskResult>,
): Promise<void> {
  const hooks = plan.tasks.filter((t) => t.phase === 'SyncFail');
  if (!hooks.length) return;
  for (const r of await applyGroup(hooks, applyOptionsFor(ctx, { force: false }))) results.set(r.key, r);
}
