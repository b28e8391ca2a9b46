import type { IgnoreDifference } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import type { FieldPath } from './field-paths.ts';
import { ignoreDifferenceMatches } from './ignore-difference-matches.ts';
import { jqPaths } from './jq-paths.ts';
import { parseJsonPointer } from './json-pointer.ts';
import { managedFieldPaths } from './managed-field-paths.ts';

/**
 * The fields of `obj` that the app's ignoreDifferences take out of every comparison: the JSON
 * pointers, jq path expressions and field managers of each rule matching it. `owner` is the
 * live object, whose managedFields say which fields the managers own (on both sides of a
 * comparison, as in Argo CD); without it, `obj`'s own managedFields.
 */
export function ignoredPaths(
  obj: KubeObject,
  rules: readonly IgnoreDifference[],
  owner: KubeObject = obj,
): FieldPath[] {
  const out: FieldPath[] = [];
  for (const rule of rules) {
    if (!ignoreDifferenceMatches(rule, obj)) continue;
    for (const pointer of rule.jsonPointers) out.push(parseJsonPointer(pointer));
    for (const expression of rule.jqPathExpressions ?? [])
      for (const p of jqPaths(obj, expression)) out.push(p);
    for (const p of managedFieldPaths(obj, owner, rule.managedFieldsManagers ?? [])) out.push(p);
  }
  return out;
}
