import type { Health, KubeObject } from '../model.ts';

/** Argo CD's PVC health (gitops-engine health_pvc.go): Bound, Pending, Lost. */
export function persistentVolumeClaimHealth(pvc: KubeObject): Health {
  const phase = ((pvc.status ?? {}) as { phase?: string }).phase;
  switch (phase) {
    case 'Bound':
      return { status: 'Healthy' };
    case 'Pending':
      return { status: 'Progressing', message: 'Waiting for the claim to be bound' };
    case 'Lost':
      return { status: 'Degraded', message: 'The claim lost its volume' };
    default:
      return { status: 'Unknown', message: phase ? `Unknown claim phase ${phase}` : undefined };
  }
}
