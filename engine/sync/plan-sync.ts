import type { KubeObject } from '../model.ts';
import type { SyncOperation, SyncPlan } from '../operation.ts';
import { buildPlan } from '../plan/build-plan.ts';
import type { AppState, InventoryEntry } from '../state.ts';
import { forceFor } from './apply-options-for.ts';
import { type Comparison, compareLive } from './compare-live.ts';
import { ownedByApp, ownedOrAdoptable } from './owned-by-app.ts';
import { prepareDesired } from './prepare-desired.ts';
import { pruneAllowed } from './prune-stage.ts';
import type { SyncContext } from './sync-context.ts';

export interface PlannedSync {
  /** The app's state before this sync, and the objects it owned then. */
  prior: AppState | undefined;
  inventory: readonly InventoryEntry[];
  /** The rendered objects as they are applied (tracking labels, hook names set). */
  desired: readonly KubeObject[];
  /** The namespace CreateNamespace=true asks for, and that namespace when it does not exist yet. */
  createNamespace: KubeObject | undefined;
  newNamespace: KubeObject | undefined;
  comparison: Comparison;
  plan: SyncPlan;
}

/**
 * The plan stage of a sync: prepare the desired objects, compare them with the live ones
 * (server-side dry run) and build the plan of tasks. Writes nothing to the cluster.
 */
export async function planSync(
  ctx: SyncContext,
  rendered: readonly KubeObject[],
  op: SyncOperation,
): Promise<PlannedSync> {
  const prior = await ctx.state.getApp(ctx.app.env.name, ctx.app.name);
  const inventory = prior?.inventory ?? [];
  const { objects, createNamespace } = await prepareDesired(ctx.app, rendered, ctx.cluster, {
    // The operation's own revision: an operation continued at a later revision with the same
    // inputs keeps the names of the hook runs it created.
    hookRun: { revision: op.revision, startedAt: op.startedAt },
  });
  const newNamespace =
    createNamespace && !(await ctx.cluster.get('v1', 'Namespace', createNamespace.metadata.name))
      ? createNamespace
      : undefined;
  const comparison = await compareLive(ctx.cluster, objects, inventory, {
    force: forceFor(ctx),
    concurrency: ctx.concurrency,
    ignoreDifferences: ctx.app.ignoreDifferences,
    ownedByApp: ownedOrAdoptable(ctx.app),
    applied: ctx.request.dryRun ? undefined : prior?.applied,
    creates: { namespaces: newNamespace ? [newNamespace.metadata.name] : [] },
    syncOptions: ctx.app.syncPolicy.syncOptions,
  });
  const plan = buildPlan({
    env: ctx.app.env.name,
    app: ctx.app.name,
    revision: ctx.revision,
    desired: objects,
    live: comparison.live,
    drift: comparison.drift,
    inventory,
    prune: pruneAllowed(ctx, { desiredCount: objects.length, inventoryCount: inventory.length }),
    ownedByApp: ownedByApp(ctx.app),
    syncOptions: ctx.app.syncPolicy.syncOptions,
    ignoreDifferences: ctx.app.ignoreDifferences,
  });
  return { prior, inventory, desired: objects, createNamespace, newNamespace, comparison, plan };
}
