import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../engine/app-spec.ts';
import { pruneAllowed } from '../../../engine/sync/prune-stage.ts';
import type { SyncRequest } from '../../../engine/sync/sync-context.ts';

const app = (o: { prune?: boolean; allowEmpty?: boolean } = {}) =>
  ({
    syncPolicy: {
      automated: { prune: true, selfHeal: true, allowEmpty: o.allowEmpty ?? false },
      syncOptions: { prune: o.prune ?? true },
    },
  }) as unknown as AppSpec;
const request = (prune: boolean): SyncRequest => ({ prune, dryRun: false, force: false });
const counts = { desiredCount: 2, inventoryCount: 3 };

describe('pruneAllowed: whether a sync deletes what Git no longer renders', () => {
  it('allows pruning when the app and the request both prune', () => {
    expect(pruneAllowed({ app: app(), request: request(true) }, counts)).toEqual({ allowed: true });
  });

  it('refuses when the app sets Prune=false, whatever the request says', () => {
    expect(pruneAllowed({ app: app({ prune: false }), request: request(true) }, counts)).toEqual({
      allowed: false,
      reason: 'the app sets Prune=false',
    });
  });

  it('refuses when the request does not prune, and says how to enable it', () => {
    expect(pruneAllowed({ app: app(), request: request(false) }, counts)).toEqual({
      allowed: false,
      reason: 'prune is off (enable syncPolicy.automated.prune or sync with --prune)',
    });
  });

  it('refuses to prune everything after an empty render unless allowEmpty', () => {
    const empty = { desiredCount: 0, inventoryCount: 3 };
    expect(pruneAllowed({ app: app(), request: request(true) }, empty)).toEqual({
      allowed: false,
      reason: 'the render is empty; set syncPolicy.automated.allowEmpty to prune everything',
    });
    expect(pruneAllowed({ app: app({ allowEmpty: true }), request: request(true) }, empty)).toEqual({
      allowed: true,
    });
  });

  it('lets an empty render of an app that owns nothing through (nothing to prune)', () => {
    expect(
      pruneAllowed({ app: app(), request: request(true) }, { desiredCount: 0, inventoryCount: 0 }),
    ).toEqual({ allowed: true });
  });
});
