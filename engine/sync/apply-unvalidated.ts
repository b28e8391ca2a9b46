import { errorMessage } from '../errors.ts';
import type { KubeObject } from '../model.ts';
import type { ApplyOptions, Cluster } from '../ports.ts';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `desired` with only what `kept` (the API server's answer) still holds; lists by index. */
function keptPart(desired: unknown, kept: unknown): unknown {
  if (Array.isArray(desired))
    return Array.isArray(kept) ? desired.map((d, i) => keptPart(d, kept[i])) : desired;
  if (!isObject(desired) || !isObject(kept)) return desired;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(desired))
    if (Object.hasOwn(kept, key)) out[key] = keptPart(value, kept[key]);
  return out;
}

/**
 * Validate=false under server-side apply. The API server refuses a field the kind's schema does
 * not declare in an apply whatever `fieldValidation` says ("field not declared in schema"), while
 * a create or replace with fieldValidation=Ignore drops it, as `kubectl apply --validate=false`
 * does. So when the apply is refused for that, the object is sent once as a dry-run create (or
 * replace, when it exists) with Ignore, and applied again with only the fields that answer kept
 * (`stringData`, which the server turns into `data`, excepted).
 */
export async function applyUnvalidated(
  cluster: Cluster,
  obj: KubeObject,
  live: KubeObject | undefined,
  opts: ApplyOptions,
): Promise<KubeObject> {
  const ignore = { ...opts, fieldValidation: 'Ignore' as const };
  try {
    return await cluster.apply(obj, ignore);
  } catch (error) {
    if (!/field not declared in schema/.test(errorMessage(error))) throw error;
  }
  const probe = live
    ? await cluster.replace(
        { ...obj, metadata: { ...obj.metadata, resourceVersion: live.metadata.resourceVersion } },
        { dryRun: true, fieldValidation: 'Ignore' },
      )
    : await cluster.create(obj, { dryRun: true, fieldValidation: 'Ignore' });
  const { stringData, ...rest } = obj;
  const declared = keptPart(rest, probe) as KubeObject;
  return cluster.apply(stringData === undefined ? declared : { ...declared, stringData }, ignore);
}
