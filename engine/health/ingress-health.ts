import type { Health, KubeObject } from '../model.ts';
import { hasLoadBalancerIngress } from './load-balancer-ingress.ts';

/** Argo CD's Ingress health (gitops-engine health_ingress.go): Healthy once it has an address. */
export function ingressHealth(ingress: KubeObject): Health {
  if (hasLoadBalancerIngress(ingress)) return { status: 'Healthy' };
  return { status: 'Progressing', message: 'Waiting for the ingress to get an address' };
}
