import { normalizeForDiff } from '../diff/normalize-for-diff.ts';
import { errorMessage } from '../errors.ts';
import type { Health, KubeObject, OperationPhase } from '../model.ts';
import type { SyncOperation, SyncPlan, SyncTask, TaskResult } from '../operation.ts';
import { applyGroups, buildPlan } from '../plan/build-plan.ts';
import type { InventoryEntry } from '../state.ts';
import { updateAppState } from '../update-app-state.ts';
import { appliedRecords, recordingApplies } from './applied-records.ts';
import { applyGroup } from './apply-group.ts';
import { type Comparison, compareLive } from './compare-live.ts';
import { missingNamespaces } from './missing-namespaces.ts';
import { observeHealth } from './observe-health.ts';
import { ownedByApp, ownedOrAdoptable } from './owned-by-app.ts';
import { preflightProblem } from './preflight.ts';
import { prepareDesired } from './prepare-desired.ts';
import { pruneObjects } from './prune-objects.ts';
import { recordSync } from './record-sync.ts';
import type { SyncContext } from './sync-context.ts';
import { waitHealthy } from './wait-healthy.ts';

export type SyncAppResult =
  | { status: 'continue'; operation: SyncOperation; message: string }
  | { status: 'dry-run'; plan: SyncPlan; comparison: Comparison }
  | {
      status: 'done';
      phase: OperationPhase;
      message: string;
      plan: SyncPlan;
      health: Health;
      historyId: number;
      results: TaskResult[];
    };

function newOperation(ctx: SyncContext): SyncOperation {
  return {
    env: ctx.app.env.name,
    app: ctx.app.name,
    revision: ctx.revision,
    initiator: ctx.initiator,
    deliveryId: ctx.deliveryId,
    startedAt: ctx.clock.now().toISOString(),
    phase: 'Running',
    stage: 'apply',
    groupIndex: 0,
    results: [],
    message: 'sync started',
    options: { ...ctx.request },
  };
}

async function loadOperation(ctx: SyncContext): Promise<SyncOperation> {
  const saved = await ctx.state.getOperation(ctx.app.env.name, ctx.app.name);
  if (saved && saved.revision === ctx.revision && saved.phase === 'Running') return saved;
  return newOperation(ctx);
}

function pruneAllowed(
  ctx: SyncContext,
  desiredCount: number,
  inventoryCount: number,
): { allowed: boolean; reason?: string } {
  if (!ctx.app.syncPolicy.syncOptions.prune) return { allowed: false, reason: 'the app sets Prune=false' };
  if (!ctx.request.prune)
    return {
      allowed: false,
      reason: 'prune is off (enable syncPolicy.automated.prune or sync with --prune)',
    };
  if (desiredCount === 0 && inventoryCount > 0 && !ctx.app.syncPolicy.automated?.allowEmpty) {
    return {
      allowed: false,
      reason: 'the render is empty; set syncPolicy.automated.allowEmpty to prune everything',
    };
  }
  return { allowed: true };
}

/**
 * Syncs one app at one revision: prepare, compare (server-side dry run), plan, apply
 * group by group waiting for health between waves, prune, record. Resumable: the
 * operation is saved after every step and a later call with the same revision continues it.
 */
export async function syncApp(given: SyncContext, rendered: readonly KubeObject[]): Promise<SyncAppResult> {
  const recorder = recordingApplies(given.cluster);
  const ctx: SyncContext = { ...given, cluster: recorder.cluster };
  const op = await loadOperation(ctx);
  const prior = await ctx.state.getApp(ctx.app.env.name, ctx.app.name);
  const inventory = prior?.inventory ?? [];
  const { objects, createNamespace } = await prepareDesired(ctx.app, rendered, ctx.cluster, {
    hookRun: { revision: ctx.revision, startedAt: op.startedAt },
  });
  const newNamespace =
    createNamespace && !(await ctx.cluster.get('v1', 'Namespace', createNamespace.metadata.name))
      ? createNamespace
      : undefined;
  const comparison = await compareLive(ctx.cluster, objects, inventory, {
    force: ctx.request.force || ctx.app.syncPolicy.syncOptions.force,
    concurrency: ctx.concurrency,
    ignoreDifferences: ctx.app.ignoreDifferences,
    ownedByApp: ownedOrAdoptable(ctx.app),
    applied: ctx.request.dryRun ? undefined : prior?.applied,
    creates: { namespaces: newNamespace ? [newNamespace.metadata.name] : [] },
  });
  const plan = buildPlan({
    env: ctx.app.env.name,
    app: ctx.app.name,
    revision: ctx.revision,
    desired: objects,
    live: comparison.live,
    drift: comparison.drift,
    inventory,
    prune: pruneAllowed(ctx, objects.length, inventory.length),
    ownedByApp: ownedByApp(ctx.app),
  });
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
      desired: objects,
      applied: recorder.applied,
    });

  try {
    const firstStep = op.groupIndex === 0 && op.stage === 'apply';
    const problem = preflightProblem({
      app: ctx.app,
      desiredCount: objects.length,
      inventoryCount: inventory.length,
      missingNamespaces: await missingNamespaces(objects, { cluster: ctx.cluster, created: createNamespace }),
      rejected: comparison.rejected,
      firstStep,
    });
    if (problem) {
      if (firstStep)
        for (const r of comparison.rejected)
          results.set(r.key, { key: r.key, outcome: 'failed', message: r.message });
      return await finish('Failed', problem);
    }
    if (newNamespace) await ctx.cluster.apply(newNamespace, { dryRun: false, force: false });
    const stepped = await runGroups(ctx, op, plan, results);
    if (stepped.status === 'continue') return stepped;
    if (stepped.status === 'failed') return await finish('Failed', stepped.message, stepped.health);
    const pruneTasks = plan.tasks.filter((t) => t.action === 'prune' || t.action === 'keep');
    for (const r of await pruneObjects(pruneTasks, {
      cluster: ctx.cluster,
      propagation: ctx.app.syncPolicy.syncOptions.prunePropagationPolicy,
    })) {
      results.set(r.key, r);
    }
    const failed = [...results.values()].filter((r) => r.outcome === 'failed');
    if (failed.length) return await finish('Failed', failed.map((f) => f.message).join('; '), stepped.health);
    return await finish('Succeeded', summarize(plan, results), stepped.health);
  } catch (error) {
    return await finish('Error', `unexpected error: ${errorMessage(error)}`);
  }
}

function summarize(plan: SyncPlan, results: ReadonlyMap<string, TaskResult>): string {
  const counts = new Map<string, number>();
  for (const t of plan.tasks) {
    const outcome = results.get(t.key)?.outcome ?? 'skipped';
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  const parts = [...counts].map(([k, n]) => `${n} ${k}`);
  return `successfully synced (${parts.join(', ') || 'no objects'})`;
}

type GroupsOutcome =
  | { status: 'done'; health: Map<string, Health> }
  | { status: 'failed'; message: string; health: Map<string, Health> }
  | { status: 'continue'; operation: SyncOperation; message: string };

async function runGroups(
  ctx: SyncContext,
  op: SyncOperation,
  plan: SyncPlan,
  results: Map<string, TaskResult>,
): Promise<GroupsOutcome> {
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
      const applied = await applyGroup(group.tasks, {
        cluster: ctx.cluster,
        clock: ctx.clock,
        force: ctx.request.force || ctx.app.syncPolicy.syncOptions.force,
        ownedByApp: ownedOrAdoptable(ctx.app),
        concurrency: ctx.concurrency,
      });
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

async function deleteHooks(
  ctx: SyncContext,
  tasks: readonly SyncTask[],
  policy: 'HookSucceeded' | 'HookFailed',
): Promise<void> {
  for (const t of tasks) {
    if (!t.hook?.deletePolicies.includes(policy)) continue;
    const live = await ctx.cluster.get(t.apiVersion, t.kind, t.name, t.namespace).catch(() => undefined);
    if (!live || !ownedByApp(ctx.app)(live)) continue;
    await ctx.cluster
      .delete(t.apiVersion, t.kind, t.name, t.namespace, { propagationPolicy: 'Background' })
      .catch(() => undefined);
  }
}

async function runSyncFailHooks(
  ctx: SyncContext,
  plan: SyncPlan,
  results: Map<string, TaskResult>,
): Promise<void> {
  const hooks = plan.tasks.filter((t) => t.phase === 'SyncFail');
  if (!hooks.length) return;
  const applied = await applyGroup(hooks, {
    cluster: ctx.cluster,
    clock: ctx.clock,
    force: false,
    ownedByApp: ownedOrAdoptable(ctx.app),
    concurrency: ctx.concurrency,
  });
  for (const r of applied) results.set(r.key, r);
}

async function finishSync(
  ctx: SyncContext,
  op: SyncOperation,
  f: {
    phase: OperationPhase;
    message: string;
    plan: SyncPlan;
    results: Map<string, TaskResult>;
    health: Map<string, Health>;
    previousInventory: readonly InventoryEntry[];
    desired: readonly KubeObject[];
    applied: ReadonlyMap<string, KubeObject>;
  },
): Promise<SyncAppResult> {
  const health = await finalHealth(ctx, f.plan, f.health);
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

/** One last look at every applied object so the recorded health is current. */
async function finalHealth(
  ctx: SyncContext,
  plan: SyncPlan,
  known: Map<string, Health>,
): Promise<Map<string, Health>> {
  const objects = plan.tasks.filter((t) => t.desired && !t.hook);
  try {
    const seen = await observeHealth(ctx.cluster, objects);
    return new Map([
      ...known,
      ...[...seen].map(([k, h]) => [k, { status: h.status, message: h.message }] as const),
    ]);
  } catch {
    return known;
  }
}
