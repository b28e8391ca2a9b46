import type { KubeObject } from '../model.ts';

/** True when `status.loadBalancer.ingress` lists at least one address. */
export function hasLoadBalancerIngress(obj: KubeObject): boolean {
  const status = (obj.status ?? {}) as { loadBalancer?: { ingress?: unknown[] } };
  return (status.loadBalancer?.ingress?.length ?? 0) > 0;
}
