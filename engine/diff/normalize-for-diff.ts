import type { IgnoreDifference } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import { ignoreDifferenceMatches } from './ignore-difference-matches.ts';
import { removeAtPointer } from './json-pointer.ts';

export interface NormalizeOptions {
  /** The app's ignoreDifferences; the pointers of rules matching the object are removed. */
  ignore?: readonly IgnoreDifference[];
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
 * tool annotations, `status`, and the JSON pointers (RFC 6901) of every matching
 * ignoreDifferences rule. A pointer naming nothing is skipped, as in Argo CD.
 */
export function normalizeForDiff(obj: KubeObject, opts: NormalizeOptions = {}): KubeObject {
  const copy = structuredClone(obj);
  delete copy.status;
  for (const field of SERVER_METADATA) delete copy.metadata[field];
  const annotations = copy.metadata.annotations;
  if (annotations) {
    const before = Object.keys(annotations).length;
    for (const name of SERVER_ANNOTATIONS) delete annotations[name];
    if (before > 0 && Object.keys(annotations).length === 0) delete copy.metadata.annotations;
  }
  for (const rule of opts.ignore ?? []) {
    if (!ignoreDifferenceMatches(rule, copy)) continue;
    for (const pointer of rule.jsonPointers) removeAtPointer(copy, pointer);
  }
  return copy;
}
