import type { Health, KubeObject } from '../model.ts';
import { hasLoadBalancerIngress } from './load-balancer-ingress.ts';

/** Argo CD's Service health (gitops-engine health_service.go): only a LoadBalancer waits for an address. */
export function serviceHealth(service: KubeObject): Health {
  const type = ((service.spec ?? {}) as { type?: string }).type;
  if (type !== 'LoadBalancer' || hasLoadBalancerIngress(service)) return { status: 'Healthy' };
  return { status: 'Progressing', message: 'Waiting for the load balancer to get an address' };
}
