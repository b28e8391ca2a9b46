import type { KubeObject } from '../model.ts';

/** The first mask; each further distinct value of the same key gets four more `+`. */
export const SECRET_MASK = '++++++++';

/** A core-group Secret (`v1`, kind Secret): the only kind whose values are hidden. */
export function isSecret(obj: Pick<KubeObject, 'apiVersion' | 'kind'> | undefined): boolean {
  return obj?.kind === 'Secret' && obj.apiVersion === 'v1';
}

/** stringData folded into data (base64), as the API server stores it. */
function dataOf(obj: KubeObject): Record<string, unknown> {
  const data: Record<string, unknown> = { ...((obj.data as Record<string, unknown> | null) ?? {}) };
  const stringData = (obj.stringData as Record<string, unknown> | null) ?? {};
  for (const [key, value] of Object.entries(stringData))
    data[key] = Buffer.from(String(value ?? ''), 'utf8').toString('base64');
  return data;
}

/**
 * Copies of the given objects with every Secret value replaced by a run of `+`, the way Argo CD's
 * HideSecretData does: per key, equal values get the same mask and different values masks of
 * different lengths (`++++++++`, `++++++++++++`, ...), so a diff shows that a key changed, was
 * added or removed, without showing any value. `stringData` is folded into `data` first. Objects
 * that are not Secrets (and undefined) are returned as given. Also drops the last-applied
 * annotation of a Secret, which holds its values in clear.
 */
export function hideSecretData<T extends KubeObject | undefined>(objects: readonly T[]): T[] {
  const copies = objects.map((obj) => {
    if (!obj || !isSecret(obj)) return obj;
    const copy = structuredClone(obj) as KubeObject;
    const data = dataOf(copy);
    delete copy.stringData;
    copy.data = data;
    const annotations = copy.metadata.annotations;
    if (annotations) delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    return copy as T;
  });
  const secrets = copies.filter((o): o is NonNullable<T> => o !== undefined && isSecret(o));
  const keys = new Set(secrets.flatMap((s) => Object.keys(s.data as object)));
  for (const key of keys) {
    const masks = new Map<string, string>();
    for (const secret of secrets) {
      const data = secret.data as Record<string, unknown>;
      if (!(key in data)) continue;
      const value = String(data[key] ?? '');
      let mask = masks.get(value);
      if (mask === undefined) {
        mask = SECRET_MASK + '++++'.repeat(masks.size);
        masks.set(value, mask);
      }
      data[key] = mask;
    }
  }
  return copies;
}
