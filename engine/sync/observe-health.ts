import { assessHealth } from '../health/assess-health.ts';
import { currentReplicaSet, podsOfReplicaSet } from '../health/current-replica-set.ts';
import { podProblems } from '../health/pod-problems.ts';
import type { Health, KubeObject } from '../model.ts';
import { describeObject } from '../object-key.ts';
import type { Cluster } from '../ports.ts';
import { readLive } from './read-live.ts';

export interface ObservedObject {
  key: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** A pod stuck this way will not get better by waiting: fail the wave now with its reason. */
const HOPELESS =
  /ImagePullBackOff|ErrImagePull|CrashLoopBackOff|InvalidImageName|CreateContainerConfigError|CreateContainerError|RunContainerError/;

interface Caches {
  pods: Map<string, KubeObject[]>;
  replicaSets: Map<string, KubeObject[]>;
}

async function listCached(
  cache: Map<string, KubeObject[]>,
  cluster: Cluster,
  kind: string,
  apiVersion: string,
  ns: string,
): Promise<KubeObject[]> {
  let items = cache.get(ns);
  if (!items) {
    items = await cluster.list(apiVersion, kind, { namespace: ns });
    cache.set(ns, items);
  }
  return items;
}

const ownedBy = (obj: KubeObject, uid: string | undefined) =>
  !!uid && (obj.metadata.ownerReferences ?? []).some((o) => o.uid === uid);

/** The pods of a workload's current revision: old pods on their way out are not its problem. */
async function currentPods(obj: KubeObject, cluster: Cluster, caches: Caches): Promise<KubeObject[]> {
  const ns = obj.metadata.namespace ?? '';
  const pods = (await listCached(caches.pods, cluster, 'Pod', 'v1', ns)).filter(
    (p) => !p.metadata.deletionTimestamp,
  );
  if (obj.kind === 'Deployment') {
    const sets = await listCached(caches.replicaSets, cluster, 'ReplicaSet', 'apps/v1', ns);
    const current = currentReplicaSet(obj, sets);
    return current ? podsOfReplicaSet(current, pods) : [];
  }
  if (obj.kind === 'StatefulSet') {
    const status = obj.status as { updateRevision?: string; observedGeneration?: number } | undefined;
    // Until the controller observed the latest generation, updateRevision is the old one.
    if ((obj.metadata.generation ?? 0) > (status?.observedGeneration ?? 0)) return [];
    const update = status?.updateRevision;
    return pods.filter(
      (p) =>
        ownedBy(p, obj.metadata.uid) &&
        (!update || p.metadata.labels?.['controller-revision-hash'] === update),
    );
  }
  return pods.filter((p) => ownedBy(p, obj.metadata.uid));
}

/**
 * Health of a workload, looking one step further than Argo CD: a Progressing workload
 * whose pods are stuck (image pull, crash loop) is Degraded with the pod's reason.
 */
async function workloadHealth(
  obj: KubeObject,
  base: Health,
  cluster: Cluster,
  caches: Caches,
): Promise<Health> {
  if (base.status !== 'Progressing' || !WORKLOADS.has(obj.kind)) return base;
  const problems = (await currentPods(obj, cluster, caches)).flatMap(podProblems);
  const stuck = problems.find((line) => HOPELESS.test(line));
  if (stuck) return { status: 'Degraded', message: stuck.replace(/^Pod\//, 'pod ') };
  // Still Progressing: say why, when a pod tells (not scheduled, not ready).
  const [first] = problems;
  return first
    ? { ...base, message: `${base.message ?? 'progressing'}; ${first.replace(/^Pod\//, 'pod ')}` }
    : base;
}

/** Reads each object and assesses its health; a missing object is Missing. */
export async function observeHealth(
  cluster: Cluster,
  objects: readonly ObservedObject[],
): Promise<Map<string, Health & { live?: KubeObject }>> {
  const out = new Map<string, Health & { live?: KubeObject }>();
  const caches: Caches = { pods: new Map(), replicaSets: new Map() };
  const live = await readLive(cluster, objects, 8);
  for (const o of objects) {
    const obj = live.get(o.key);
    if (!obj) {
      out.set(o.key, { status: 'Missing', message: `${describeObject(o)} does not exist` });
      continue;
    }
    const base = assessHealth(obj) ?? { status: 'Healthy' as const };
    out.set(o.key, { ...(await workloadHealth(obj, base, cluster, caches)), live: obj });
  }
  return out;
}

/** LoadBalancer Services and Ingresses waiting for an address do not hold up a wave (no LB controller in many clusters). */
export function waitsForAddressOnly(o: ObservedObject, health: Health): boolean {
  return (o.kind === 'Service' || o.kind === 'Ingress') && health.status === 'Progressing';
}
