import type { IgnoreDifference } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import { groupOf } from '../object-key.ts';

function globMatch(pattern: string, text: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === text;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`).test(text);
}

/**
 * Whether an ignoreDifferences rule applies to an object, as Argo CD matches them: group and
 * kind as globs (`*`, `?`), name and namespace exact when set. One deliberate difference: a
 * rule without `group` matches every group (Argo CD reads it as the core group only, which
 * silently ignores nothing for `kind: Deployment`); write `group: ''` for the core group only.
 */
export function ignoreDifferenceMatches(rule: IgnoreDifference, obj: KubeObject): boolean {
  if (rule.group !== undefined && !globMatch(rule.group, groupOf(obj.apiVersion))) return false;
  if (!globMatch(rule.kind, obj.kind)) return false;
  if (rule.name && rule.name !== obj.metadata.name) return false;
  if (rule.namespace && rule.namespace !== (obj.metadata.namespace ?? '')) return false;
  return true;
}
