/** A path into a JSON document: object keys and array indexes, as jq's `path(...)` gives them. */
export type FieldPath = ReadonlyArray<string | number>;

function step(parent: unknown, token: string | number): unknown {
  if (Array.isArray(parent)) {
    const i = typeof token === 'number' ? token : /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : -1;
    return i >= 0 && i < parent.length ? parent[i] : undefined;
  }
  if (parent !== null && typeof parent === 'object' && Object.hasOwn(parent, String(token)))
    return (parent as Record<string, unknown>)[String(token)];
  return undefined;
}

/** The value at a path, or undefined when the path names nothing. */
export function getAtPath(doc: unknown, path: FieldPath): unknown {
  let node: unknown = doc;
  for (const token of path) {
    node = step(node, token);
    if (node === undefined) return undefined;
  }
  return node;
}

/** Removes what a path names, in place (an array element is spliced out). False when it names nothing. */
export function removeAtPath(doc: unknown, path: FieldPath): boolean {
  if (path.length === 0) return false;
  const parent = getAtPath(doc, path.slice(0, -1));
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) return false;
    parent.splice(i, 1);
    return true;
  }
  if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, String(last))) return false;
  delete (parent as Record<string, unknown>)[String(last)];
  return true;
}

/**
 * Sets the value at a path, in place, creating the objects on the way (an array on the way must
 * exist and hold the index: list items are never invented). False when it could not be set.
 */
export function setAtPath(doc: unknown, path: FieldPath, value: unknown): boolean {
  if (path.length === 0) return false;
  let node: unknown = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const token = path[i] as string | number;
    let next = step(node, token);
    if (next === undefined) {
      if (Array.isArray(node) || node === null || typeof node !== 'object') return false;
      next = typeof path[i + 1] === 'number' ? [] : {};
      (node as Record<string, unknown>)[String(token)] = next;
    }
    node = next;
  }
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(node)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i > node.length) return false;
    node[i] = value;
    return true;
  }
  if (node === null || typeof node !== 'object') return false;
  (node as Record<string, unknown>)[String(last)] = value;
  return true;
}

/**
 * Paths ordered so removing them one by one removes what each named in the original document:
 * within one array, the higher index first (removing [1] before [3] would shift [3]).
 */
export function removalOrder(paths: readonly FieldPath[]): FieldPath[] {
  const compare = (a: FieldPath, b: FieldPath): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const x = a[i] as string | number;
      const y = b[i] as string | number;
      if (x === y) continue;
      if (typeof x === 'number' && typeof y === 'number') return y - x;
      return String(x) < String(y) ? -1 : 1;
    }
    return b.length - a.length; // a child before its parent
  };
  return [...paths].sort(compare);
}
