import { assessHealth } from '../health/assess-health.ts';
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

function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function podSelector(obj: KubeObject): Record<string, string> | undefined {
  const spec = obj.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined;
  if (obj.kind === 'Job') {
    const uid = obj.metadata.uid;
    return uid ? { 'controller-uid': uid } : spec?.selector?.matchLabels;
  }
  return spec?.selector?.matchLabels;
}

/**
 * Health of a workload, looking one step further than Argo CD: a Progressing workload
 * whose pods are stuck (image pull, crash loop) is Degraded with the pod's reason.
 */
async function workloadHealth(
  obj: KubeObject,
  base: Health,
  cluster: Cluster,
  podCache: Map<string, KubeObject[]>,
): Promise<Health> {
  if (base.status !== 'Progressing' || !WORKLOADS.has(obj.kind)) return base;
  const ns = obj.metadata.namespace ?? '';
  let pods = podCache.get(ns);
  if (!pods) {
    pods = await cluster.list('v1', 'Pod', { namespace: ns });
    podCache.set(ns, pods);
  }
  const selector = podSelector(obj);
  for (const pod of pods.filter((p) => selects(selector, p.metadata.labels))) {
    const podHealth = assessHealth(pod) ?? { status: 'Unknown' };
    if (podHealth.status === 'Degraded' && HOPELESS.test(podHealth.message ?? '')) {
      return { status: 'Degraded', message: `pod ${pod.metadata.name}: ${podHealth.message}` };
    }
  }
  return base;
}

/** Reads each object and assesses its health; a missing object is Missing. */
export async function observeHealth(
  cluster: Cluster,
  objects: readonly ObservedObject[],
): Promise<Map<string, Health & { live?: KubeObject }>> {
  const out = new Map<string, Health & { live?: KubeObject }>();
  const podCache = new Map<string, KubeObject[]>();
  const live = await readLive(cluster, objects, 8);
  for (const o of objects) {
    const obj = live.get(o.key);
    if (!obj) {
      out.set(o.key, { status: 'Missing', message: `${describeObject(o)} does not exist` });
      continue;
    }
    const base = assessHealth(obj) ?? { status: 'Healthy' as const };
    out.set(o.key, { ...(await workloadHealth(obj, base, cluster, podCache)), live: obj });
  }
  return out;
}

/** LoadBalancer Services and Ingresses waiting for an address do not hold up a wave (no LB controller in many clusters). */
export function waitsForAddressOnly(o: ObservedObject, health: Health): boolean {
  return (o.kind === 'Service' || o.kind === 'Ingress') && health.status === 'Progressing';
}
