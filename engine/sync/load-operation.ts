import type { SyncOperation } from '../operation.ts';
import type { SyncContext } from './sync-context.ts';

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

/**
 * The first stage of a sync: the saved operation when it is the same revision and still
 * running (a continuation), else a new one at the first group.
 */
export async function loadOperation(ctx: SyncContext): Promise<SyncOperation> {
  const saved = await ctx.state.getOperation(ctx.app.env.name, ctx.app.name);
  if (saved && saved.revision === ctx.revision && saved.phase === 'Running') return saved;
  return newOperation(ctx);
}
