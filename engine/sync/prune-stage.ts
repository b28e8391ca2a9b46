import type { SyncPlan, TaskResult } from '../operation.ts';
import { pruneObjects } from './prune-objects.ts';
import type { SyncContext } from './sync-context.ts';

/**
 * Whether this sync may delete what Git no longer renders, and why not: the app's Prune
 * option, the request (automated.prune or --prune), and an empty render without allowEmpty.
 * Pure.
 */
export function pruneAllowed(
  ctx: Pick<SyncContext, 'app' | 'request'>,
  counts: { desiredCount: number; inventoryCount: number },
): { allowed: boolean; reason?: string } {
  if (!ctx.app.syncPolicy.syncOptions.prune) return { allowed: false, reason: 'the app sets Prune=false' };
  if (!ctx.request.prune)
    return {
      allowed: false,
      reason: 'prune is off (enable syncPolicy.automated.prune or sync with --prune)',
    };
  if (counts.desiredCount === 0 && counts.inventoryCount > 0 && !ctx.app.syncPolicy.automated?.allowEmpty) {
    return {
      allowed: false,
      reason: 'the render is empty; set syncPolicy.automated.allowEmpty to prune everything',
    };
  }
  return { allowed: true };
}

/**
 * The prune stage, once every group is applied and healthy: deletes the plan's `prune` tasks
 * and reports its `keep` tasks, their results added to `results`.
 */
export async function pruneStage(
  ctx: SyncContext,
  plan: SyncPlan,
  results: Map<string, TaskResult>,
): Promise<void> {
  const tasks = plan.tasks.filter((t) => t.action === 'prune' || t.action === 'keep');
  if (!tasks.length) return;
  for (const r of await pruneObjects(tasks, {
    cluster: ctx.cluster,
    propagation: ctx.app.syncPolicy.syncOptions.prunePropagationPolicy,
  }))
    results.set(r.key, r);
}
