import type { KubeObject } from '../model.ts';

/** What a hidden value shows as. */
export const HIDDEN = '(hidden)';
const HIDDEN_OLD = '(hidden: old value)';
const HIDDEN_NEW = '(hidden: new value)';

const isSecret = (obj: KubeObject | undefined): boolean =>
  obj !== undefined && obj.kind === 'Secret' && obj.apiVersion === 'v1';

type Values = Record<string, unknown>;

function valuesOf(obj: KubeObject | undefined): Values {
  if (!obj) return {};
  const data = (obj.data ?? {}) as Values;
  const stringData = (obj.stringData ?? {}) as Values;
  const out: Values = {};
  for (const [k, v] of Object.entries(data)) out[k] = String(v);
  // The API server folds stringData into data (base64): compare the decoded form.
  for (const [k, v] of Object.entries(stringData)) out[k] = Buffer.from(String(v), 'utf8').toString('base64');
  return out;
}

function masked(obj: KubeObject, other: Values, changedMark: string): KubeObject {
  const copy = structuredClone(obj);
  const mine = valuesOf(obj);
  for (const field of ['data', 'stringData'] as const) {
    const values = copy[field] as Values | undefined;
    if (!values || typeof values !== 'object') continue;
    for (const key of Object.keys(values)) {
      const differs = key in other && other[key] !== mine[key];
      values[key] = differs ? changedMark : HIDDEN;
    }
  }
  return copy;
}

/**
 * A live/desired pair with every Secret value replaced before it is diffed, so the diff shows
 * which keys are added, removed or changed and never a value. Other kinds pass unchanged.
 *
 * Preview's one masking call: to be replaced by engine/diff's masking module once it exists.
 */
export function maskSecretValues(
  live: KubeObject | undefined,
  desired: KubeObject | undefined,
): { live: KubeObject | undefined; desired: KubeObject | undefined } {
  if (!isSecret(live) && !isSecret(desired)) return { live, desired };
  const liveValues = valuesOf(live);
  const desiredValues = valuesOf(desired);
  return {
    live: live ? masked(live, desiredValues, HIDDEN_OLD) : undefined,
    desired: desired ? masked(desired, liveValues, HIDDEN_NEW) : undefined,
  };
}
