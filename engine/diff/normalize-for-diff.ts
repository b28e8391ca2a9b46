import type { IgnoreDifference } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import { removalOrder, removeAtPath } from './field-paths.ts';
import { ignoredPaths } from './ignored-paths.ts';

export interface NormalizeOptions {
  /** The app's ignoreDifferences; the fields of rules matching the object are removed. */
  ignore?: readonly IgnoreDifference[];
  /** The live object, whose managedFields decide `managedFieldsManagers` (default: the object's own). */
  owner?: KubeObject;
}

/** Metadata the API server owns: never drift. */
export const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
];

/** Annotations written by tools and controllers, not by Git. */
const SERVER_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
];

/**
 * A copy of an object with what never counts as drift taken out: server-owned metadata,
 * tool annotations, `status`, and the fields of every matching ignoreDifferences rule (JSON
 * pointers, jq path expressions, fields of the named managers: ignoredPaths). A path naming
 * nothing is skipped, as in Argo CD. Ownership is read before server metadata goes.
 */
export function normalizeForDiff(obj: KubeObject, opts: NormalizeOptions = {}): KubeObject {
  const copy = structuredClone(obj);
  const ignored = opts.ignore?.length ? ignoredPaths(copy, opts.ignore, opts.owner ?? obj) : [];
  delete copy.status;
  for (const field of SERVER_METADATA) delete copy.metadata[field];
  const annotations = copy.metadata.annotations;
  if (annotations) {
    const before = Object.keys(annotations).length;
    for (const name of SERVER_ANNOTATIONS) delete annotations[name];
    if (before > 0 && Object.keys(annotations).length === 0) delete copy.metadata.annotations;
  }
  for (const path of removalOrder(ignored)) removeAtPath(copy, path);
  return copy;
}
