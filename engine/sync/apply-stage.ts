import type { Health } from '../model.ts';
import type { SyncOperation, SyncPlan, TaskResult } from '../operation.ts';
import { applyGroups } from '../plan/build-plan.ts';
import { applyGroup } from './apply-group.ts';
import { applyOptionsFor, forceFor } from './apply-options-for.ts';
import { deleteHooks, runSyncFailHooks } from './hook-stage.ts';
import type { SyncContext } from './sync-context.ts';
import { waitHealthy } from './wait-healthy.ts';

export type ApplyStageOutcome =
  | { status: 'done'; health: Map<string, Health> }
  | { status: 'failed'; message: string; health: Map<string, Health> }
  | { status: 'continue'; operation: SyncOperation; message: string };

/**
 * The apply stage of a sync: group by group (phase, wave) from the operation's saved
 * position, apply, then wait until the group is healthy before the next one (the last
 * group only when it has hooks), deleting the group's hooks as their policy says. A failed
 * group runs the SyncFail hooks. The operation is saved after each apply, and the health
 * timeout counts from when the group was applied, so a continuation never restarts it.
 */
export async function applyStage(
  ctx: SyncContext,
  op: SyncOperation,
  plan: SyncPlan,
  results: Map<string, TaskResult>,
): Promise<ApplyStageOutcome> {
  const groups = applyGroups(plan);
  let health = new Map<string, Health>();
  const save = async () => {
    op.results = [...results.values()];
    await ctx.state.putOperation(op);
  };
  for (; op.groupIndex < groups.length; op.groupIndex++, op.stage = 'apply') {
    const group = groups[op.groupIndex] as (typeof groups)[number];
    const label = `${group.phase} wave ${group.wave}`;
    if (op.stage === 'apply') {
      ctx.log.info('applying wave', {
        env: ctx.app.env.name,
        app: ctx.app.name,
        revision: ctx.revision,
        wave: group.wave,
        phase: group.phase,
        objects: group.tasks.length,
      });
      const applied = await applyGroup(group.tasks, applyOptionsFor(ctx, { force: forceFor(ctx) }));
      for (const r of applied) results.set(r.key, r);
      const failed = applied.filter((r) => r.outcome === 'failed');
      if (failed.length) {
        await runSyncFailHooks(ctx, plan, results);
        return { status: 'failed', message: `${label}: ${failed.map((f) => f.message).join('; ')}`, health };
      }
      op.stage = 'wait';
      op.groupAppliedAt = ctx.clock.now().toISOString();
      await save();
    }
    const hasHooks = group.tasks.some((t) => t.hook);
    const isLast = op.groupIndex === groups.length - 1;
    if (!isLast || hasHooks) {
      const appliedAt = new Date(op.groupAppliedAt ?? ctx.clock.now().toISOString()).getTime();
      const waited = await waitHealthy(group.tasks, {
        cluster: ctx.cluster,
        clock: ctx.clock,
        timeoutAt: new Date(appliedAt + ctx.app.syncPolicy.healthTimeoutSeconds * 1000),
        deadline: ctx.deadline,
        pollIntervalMs: ctx.pollIntervalMs,
      });
      health = new Map([...health, ...waited.health]);
      if (waited.status === 'deadline') {
        op.message = `${label}: ${waited.message}`;
        await save();
        return { status: 'continue', operation: op, message: op.message };
      }
      if (waited.status !== 'healthy') {
        await deleteHooks(ctx, group.tasks, 'HookFailed');
        await runSyncFailHooks(ctx, plan, results);
        return { status: 'failed', message: `${label}: ${waited.message}`, health };
      }
      await deleteHooks(ctx, group.tasks, 'HookSucceeded');
    }
  }
  return { status: 'done', health };
}
