import type { AppSpec } from '../app-spec.ts';
import { diffObject, type ObjectDiff } from '../diff/diff-object.ts';
import type { KubeObject } from '../model.ts';
import { keyOf, objectKey } from '../object-key.ts';
import { hookPhasesOf, ignoresExtraneous } from '../plan/annotations.ts';
import type { Cluster, StateStore } from '../ports.ts';
import { compareLive } from './compare-live.ts';
import { ownedByApp, ownedOrAdoptable } from './owned-by-app.ts';
import { prepareDesired } from './prepare-desired.ts';

export interface AppDiff {
  app: string;
  env: string;
  /** Every desired object and every owned object Git no longer renders; unchanged ones included. */
  objects: ObjectDiff[];
  /** Objects the API server refuses in a dry run, with its message. */
  rejected: Array<{ key: string; message: string }>;
  outOfSync: boolean;
}

/**
 * Live vs desired for the fields we manage, like `kubectl diff`: each desired object is
 * predicted by a server-side dry-run apply, so defaults, managedFields and status never
 * show; objects the app owns that Git no longer renders show as removed.
 */
export async function diffApp(
  app: AppSpec,
  rendered: readonly KubeObject[],
  deps: { cluster: Cluster; state: StateStore },
): Promise<AppDiff> {
  const { objects } = await prepareDesired(app, rendered, deps.cluster);
  const inventory = (await deps.state.getApp(app.env.name, app.name))?.inventory ?? [];
  const cmp = await compareLive(deps.cluster, objects, inventory, {
    force: false,
    concurrency: 8,
    ignoreDifferences: app.ignoreDifferences,
    ownedByApp: ownedOrAdoptable(app),
    syncOptions: app.syncPolicy.syncOptions,
  });
  const out: ObjectDiff[] = [];
  const desiredKeys = new Set<string>();
  const extraneous = new Set<ObjectDiff>();
  for (const obj of objects) {
    if (hookPhasesOf(obj)) continue;
    const key = keyOf(obj);
    desiredKeys.add(key);
    const known = cmp.diffs.get(key);
    out.push(known ?? diffObject(cmp.live.get(key), obj, { ignore: app.ignoreDifferences }));
  }
  for (const entry of inventory) {
    const key = objectKey(entry);
    const live = cmp.live.get(key);
    if (desiredKeys.has(key) || !live) continue;
    if (!ownedByApp(app)(live)) continue;
    const diff = diffObject(live, undefined, { ignore: app.ignoreDifferences });
    out.push(diff);
    if (ignoresExtraneous(live)) extraneous.add(diff);
  }
  return {
    app: app.name,
    env: app.env.name,
    objects: out,
    rejected: cmp.rejected,
    outOfSync: out.some((d) => d.change !== 'unchanged' && !extraneous.has(d)) || cmp.rejected.length > 0,
  };
}
