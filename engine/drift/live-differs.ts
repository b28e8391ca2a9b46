import { type NormalizeOptions, normalizeForDiff } from '../diff/normalize-for-diff.ts';
import type { KubeObject } from '../model.ts';

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
 * Both sides go through the normalisation a sync's comparison uses (normalizeForDiff:
 * server metadata, status, and the app's ignoreDifferences), so a field a sync ignores (a
 * replica count an HPA manages) is never drift. This is the cheap check the drift checker
 * runs on LISTed objects; the exact comparison is the server-side dry run of a sync.
 */
export function liveDiffers(desired: KubeObject, live: KubeObject, opts: NormalizeOptions = {}): string[] {
  const d = normalizeForDiff(secretData(desired), { ...opts, owner: live });
  const l = normalizeForDiff(live, { ...opts, owner: live });
  const out: string[] = [];
  for (const [k, v] of Object.entries(d)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    walk(v, l[k], k, out);
  }
  return out;
}
