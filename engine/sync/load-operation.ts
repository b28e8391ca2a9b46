import { createHash } from 'node:crypto';
import type { KubeObject } from '../model.ts';
import type { SyncOperation } from '../operation.ts';
import type { SyncContext } from './sync-context.ts';

/**
 * A hash of what a sync of the app applies: the rendered objects, the app's namespace and its
 * sync policy (options, health timeout). The same inputs at two revisions give the same hash.
 */
export function syncInputsHash(ctx: Pick<SyncContext, 'app'>, rendered: readonly KubeObject[]): string {
  const { namespace, syncPolicy } = ctx.app;
  return createHash('sha256').update(JSON.stringify({ rendered, namespace, syncPolicy })).digest('base64url');
}

function newOperation(ctx: SyncContext, inputsHash: string): SyncOperation {
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
    inputsHash,
  };
}

/**
 * The first stage of a sync: the saved operation when it is still running and either at the
 * same revision (a continuation) or at another revision with the same inputs (a job superseded
 * by a push that did not change this app: its waits keep their deadlines, its hook runs their
 * names); else a new one at the first group.
 */
export async function loadOperation(
  ctx: SyncContext,
  rendered: readonly KubeObject[],
): Promise<SyncOperation> {
  const inputsHash = syncInputsHash(ctx, rendered);
  const saved = await ctx.state.getOperation(ctx.app.env.name, ctx.app.name);
  if (saved?.phase === 'Running') {
    if (saved.revision === ctx.revision) return saved;
    if (saved.inputsHash === inputsHash && !ctx.request.dryRun) {
      ctx.log.info('sync continues the operation of an earlier revision with the same inputs', {
        env: ctx.app.env.name,
        app: ctx.app.name,
        revision: ctx.revision,
        operationRevision: saved.revision,
        stage: saved.stage,
        groupIndex: saved.groupIndex,
      });
      return saved;
    }
  }
  return newOperation(ctx, inputsHash);
}
