import { createHash } from 'node:crypto';
import type { KubeObject } from '../model.ts';

/** JSON with object keys sorted at every level, so equal objects hash equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A hash of a desired object as it is sent to the API server (namespace assigned, tracking
 * annotation written): the same manifest gives the same hash, any change to it another.
 */
export function desiredHash(obj: KubeObject): string {
  return createHash('sha256').update(canonical(obj)).digest('base64url');
}
