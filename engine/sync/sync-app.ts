import { errorMessage } from '../errors.ts';
import type { Health, KubeObject, OperationPhase } from '../model.ts';
import { recordingApplies } from './applied-records.ts';
import { applyStage } from './apply-stage.ts';
import { finishSync } from './finish-sync.ts';
import { loadOperation } from './load-operation.ts';
import { missingNamespaces } from './missing-namespaces.ts';
import { planSync } from './plan-sync.ts';
import { preflightProblem } from './preflight.ts';
import { pruneStage } from './prune-stage.ts';
import type { SyncAppResult } from './sync-app-result.ts';
import type { SyncContext } from './sync-context.ts';
import { syncOutcome } from './sync-outcome.ts';

export type { SyncAppResult } from './sync-app-result.ts';

/**
 * Syncs one app at one revision, in stages: operation (new or continued) -> plan (prepare,
 * server-side dry run, tasks) -> preflight -> apply groups with their health waits and
 * hooks -> prune -> record. Resumable: the operation is saved after every step and a later
 * call with the same revision continues it.
 */
export async function syncApp(given: SyncContext, rendered: readonly KubeObject[]): Promise<SyncAppResult> {
  const recorder = recordingApplies(given.cluster);
  const ctx: SyncContext = { ...given, cluster: recorder.cluster };
  const op = await loadOperation(ctx, rendered);
  const planned = await planSync(ctx, rendered, op);
  const { plan, comparison, desired, inventory } = planned;
  if (ctx.request.dryRun) return { status: 'dry-run', plan, comparison };
  const results = new Map(op.results.map((r) => [r.key, r]));
  const finish = (phase: OperationPhase, message: string, health: Map<string, Health> = new Map()) =>
    finishSync(ctx, op, {
      phase,
      message,
      plan,
      results,
      health,
      previousInventory: inventory,
      desired,
      applied: recorder.applied,
    });

  try {
    const firstStep = op.groupIndex === 0 && op.stage === 'apply';
    const problem = preflightProblem({
      app: ctx.app,
      desiredCount: desired.length,
      inventoryCount: inventory.length,
      missingNamespaces: await missingNamespaces(desired, {
        cluster: ctx.cluster,
        created: planned.createNamespace,
      }),
      rejected: comparison.rejected,
      firstStep,
    });
    if (problem) {
      if (firstStep)
        for (const r of comparison.rejected)
          results.set(r.key, { key: r.key, outcome: 'failed', message: r.message });
      return await finish('Failed', problem);
    }
    if (planned.newNamespace) await ctx.cluster.apply(planned.newNamespace, { dryRun: false, force: false });
    const applied = await applyStage(ctx, op, plan, results);
    if (applied.status === 'continue') return applied;
    if (applied.status === 'failed') return await finish('Failed', applied.message, applied.health);
    await pruneStage(ctx, plan, results);
    const outcome = syncOutcome(plan, results);
    return await finish(outcome.phase, outcome.message, applied.health);
  } catch (error) {
    return await finish('Error', `unexpected error: ${errorMessage(error)}`);
  }
}
