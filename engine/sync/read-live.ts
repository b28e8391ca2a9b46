import pLimit from 'p-limit';
import type { KubeObject } from '../model.ts';
import { objectKey } from '../object-key.ts';
import type { Cluster } from '../ports.ts';

export interface LiveRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Above this many objects of one kind in one namespace, one LIST is cheaper than a GET each. */
const LIST_THRESHOLD = 5;

/**
 * Reads the live objects for a set of references with few calls: one LIST per
 * (apiVersion, kind, namespace) when several objects share it, a GET otherwise.
 * Unknown kinds (a CRD that is not there yet) read as absent. Keys are objectKey().
 */
export async function readLive(
  cluster: Cluster,
  refs: readonly LiveRef[],
  concurrency: number,
): Promise<Map<string, KubeObject>> {
  const groups = new Map<string, LiveRef[]>();
  for (const ref of refs) {
    const g = `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}`;
    groups.set(g, [...(groups.get(g) ?? []), ref]);
  }
  const limit = pLimit(concurrency);
  const out = new Map<string, KubeObject>();
  const put = (obj: KubeObject, ref: LiveRef) =>
    out.set(objectKey({ ...ref, name: obj.metadata.name, namespace: obj.metadata.namespace }), obj);
  await Promise.all(
    [...groups.values()].map((members) =>
      limit(async () => {
        const first = members[0] as LiveRef;
        const info = await cluster.kindInfo(first.apiVersion, first.kind);
        if (!info) return;
        const namespace = info.namespaced ? first.namespace : undefined;
        if (members.length < LIST_THRESHOLD) {
          await Promise.all(
            members.map(async (ref) => {
              const live = await cluster.get(ref.apiVersion, ref.kind, ref.name, namespace);
              if (live) put(live, ref);
            }),
          );
          return;
        }
        const wanted = new Set(members.map((m) => m.name));
        for (const live of await cluster.list(first.apiVersion, first.kind, { namespace })) {
          if (wanted.has(live.metadata.name)) put(live, first);
        }
      }),
    ),
  );
  return out;
}
