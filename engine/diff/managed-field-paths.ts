import type { KubeObject } from '../model.ts';
import type { FieldPath } from './field-paths.ts';

type FieldSet = { [entry: string]: FieldSet };

interface ManagedFieldsEntry {
  manager?: string;
  fieldsType?: string;
  fieldsV1?: FieldSet;
}

function isEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The index of the list item a `k:{...}` or `v:...` entry names in `list`, or -1. */
function itemIndex(list: unknown[], entry: string): number {
  let wanted: unknown;
  try {
    wanted = JSON.parse(entry.slice(2));
  } catch {
    return -1;
  }
  if (entry.startsWith('v:')) return list.findIndex((item) => isEqual(item, wanted));
  const keys = Object.entries(wanted as Record<string, unknown>);
  return list.findIndex(
    (item) =>
      item !== null &&
      typeof item === 'object' &&
      keys.every(([k, v]) => isEqual((item as Record<string, unknown>)[k], v)),
  );
}

/** Leaves of a fieldsV1 set, as paths into `value`; fields the document does not hold are skipped. */
function walk(value: unknown, set: FieldSet, prefix: Array<string | number>, out: FieldPath[]): void {
  for (const [entry, children] of Object.entries(set)) {
    if (entry === '.') continue;
    let token: string | number | undefined;
    let child: unknown;
    if (entry.startsWith('f:') && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      token = entry.slice(2);
      child = (value as Record<string, unknown>)[token];
      if (!Object.hasOwn(value, token)) continue;
    } else if (Array.isArray(value) && (entry.startsWith('k:') || entry.startsWith('v:'))) {
      const i = itemIndex(value, entry);
      if (i < 0) continue;
      token = i;
      child = value[i];
    } else if (Array.isArray(value) && entry.startsWith('i:')) {
      const i = Number(entry.slice(2));
      if (!Number.isInteger(i) || i < 0 || i >= value.length) continue;
      token = i;
      child = value[i];
    } else continue;
    const path = [...prefix, token];
    const nested = Object.keys(children ?? {}).filter((k) => k !== '.');
    if (nested.length === 0) out.push(path);
    else walk(child, children, path, out);
  }
}

/**
 * The fields of `obj` that the given field managers own in `owner`'s managedFields (the live
 * object: Argo CD reads ownership from live for both sides), as paths into `obj`. List items are
 * found by their keys (`k:{"name":"web"}`), values (`v:...`) or index (`i:N`) in `obj` itself,
 * so the same field is found in the live object and in the desired one even when the order of
 * their lists differs. Only leaves are returned: a manager that merely created a list item or
 * map (the `.` entry) does not own the fields others set in it.
 */
export function managedFieldPaths(
  obj: KubeObject,
  owner: KubeObject,
  managers: readonly string[],
): FieldPath[] {
  if (!managers.length) return [];
  const entries = (owner.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const out: FieldPath[] = [];
  for (const e of entries) {
    if (!e.manager || !managers.includes(e.manager) || !e.fieldsV1) continue;
    walk(obj, e.fieldsV1, [], out);
  }
  return out;
}
