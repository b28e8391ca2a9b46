import type { ApplyGroupOptions } from './apply-group.ts';
import { ownedOrAdoptable } from './owned-by-app.ts';
import type { SyncContext } from './sync-context.ts';

/** True when this sync takes over fields owned by other managers (`--force` or Force=true). */
export function forceFor(ctx: Pick<SyncContext, 'request' | 'app'>): boolean {
  return ctx.request.force || ctx.app.syncPolicy.syncOptions.force;
}

/** How a sync applies a group of tasks: the one place its force and ownership rules are set. */
export function applyOptionsFor(ctx: SyncContext, opts: { force: boolean }): ApplyGroupOptions {
  return {
    cluster: ctx.cluster,
    clock: ctx.clock,
    force: opts.force,
    ownedByApp: ownedOrAdoptable(ctx.app),
    concurrency: ctx.concurrency,
  };
}
