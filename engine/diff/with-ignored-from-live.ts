import type { IgnoreDifference } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import { type FieldPath, getAtPath, removalOrder, removeAtPath, setAtPath } from './field-paths.ts';
import { ignoredPaths } from './ignored-paths.ts';
import { SERVER_METADATA } from './normalize-for-diff.ts';

/** Never copied from live: the controller's status and the server's own metadata. */
function copyable(path: FieldPath): boolean {
  if (path[0] === 'status') return false;
  return !(path[0] === 'metadata' && SERVER_METADATA.includes(String(path[1])));
}

/**
 * Argo CD's RespectIgnoreDifferences=true: the desired object as it is written to an object that
 * exists, with every field the app's ignoreDifferences name taken from the live object (removed
 * when live does not have it), so a sync does not undo what the rules say to ignore (a replica
 * count an HPA set, a caBundle a webhook injected). `status` and server metadata are never
 * copied. One difference: Argo CD merges the live values in with a strategic merge patch (list
 * items matched by their merge keys); here each path is set where it points, list items by index.
 */
export function withIgnoredFromLive(
  desired: KubeObject,
  live: KubeObject,
  rules: readonly IgnoreDifference[],
): KubeObject {
  const out = structuredClone(desired);
  for (const path of removalOrder(ignoredPaths(out, rules, live)))
    if (copyable(path)) removeAtPath(out, path);
  for (const path of ignoredPaths(live, rules, live)) {
    if (!copyable(path)) continue;
    const value = getAtPath(live, path);
    if (value !== undefined) setAtPath(out, path, structuredClone(value));
  }
  return out;
}
