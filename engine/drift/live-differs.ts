import { SERVER_METADATA } from '../diff/normalize-for-diff.ts';
import type { KubeObject } from '../model.ts';

const IGNORED_TOP = new Set(['status']);
const IGNORED_META: ReadonlySet<string> = new Set(SERVER_METADATA);

function secretData(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Secret' || !obj.stringData) return obj;
  const data = { ...(obj.data as Record<string, string> | undefined) };
  for (const [k, v] of Object.entries(obj.stringData as Record<string, string>))
    data[k] = Buffer.from(v).toString('base64');
  const { stringData: _, ...rest } = obj;
  return { ...rest, data } as KubeObject;
}

function walk(desired: unknown, live: unknown, path: string, out: string[]): void {
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) {
      out.push(path);
      return;
    }
    desired.forEach((d, i) => {
      walk(d, live[i], `${path}[${i}]`, out);
    });
    return;
  }
  if (desired !== null && typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) {
      out.push(path);
      return;
    }
    for (const [k, v] of Object.entries(desired))
      walk(v, (live as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (desired === null || desired === undefined) return;
  if (String(desired) !== String(live)) out.push(path);
}

/**
 * Fields Git sets that the cluster no longer has: every field of the desired object
 * must be present and equal in the live one (fields only the server sets are fine).
 * This is the cheap check the drift checker runs on LISTed objects; the exact
 * comparison is the server-side dry run of a sync.
 */
export function liveDiffers(desired: KubeObject, live: KubeObject): string[] {
  const d = secretData(desired);
  const out: string[] = [];
  for (const [k, v] of Object.entries(d)) {
    if (IGNORED_TOP.has(k) || k === 'apiVersion' || k === 'kind') continue;
    if (k === 'metadata') {
      const meta = v as Record<string, unknown>;
      for (const [mk, mv] of Object.entries(meta)) {
        if (!IGNORED_META.has(mk))
          walk(mv, (live.metadata as Record<string, unknown>)[mk], `metadata.${mk}`, out);
      }
      continue;
    }
    walk(v, live[k], k, out);
  }
  return out;
}
