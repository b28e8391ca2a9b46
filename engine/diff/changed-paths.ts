type Json = unknown;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** 'spec' + 'replicas' -> 'spec.replicas'; a key like 'app.kubernetes.io/name' -> 'labels["app.kubernetes.io/name"]'. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (!PLAIN_KEY.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base ? `${base}.${key}` : key;
}

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function walk(a: Json, b: Json, path: string, out: string[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(path);
      return;
    }
    for (let i = 0; i < a.length; i++) walk(a[i], b[i], joinPath(path, i), out);
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const next = joinPath(path, key);
      if (!Object.hasOwn(a, key) || !Object.hasOwn(b, key)) out.push(next);
      else walk(a[key], b[key], next, out);
    }
    return;
  }
  if (a !== b) out.push(path);
}

/**
 * The most precise field paths where two JSON documents differ, sorted by key:
 * `spec.replicas`, `spec.template.spec.containers[0].image`. A list whose length changed is
 * reported as the list (`spec.template.spec.containers[0].env`); a list of the same length
 * element by element.
 */
export function changedPaths(a: Json, b: Json): string[] {
  const out: string[] = [];
  walk(a, b, '', out);
  return out;
}
