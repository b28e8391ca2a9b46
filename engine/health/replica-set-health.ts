import type { Health, KubeObject } from '../model.ts';
import { findCondition } from './find-condition.ts';

/** Argo CD's ReplicaSet health (gitops-engine health_replicaset.go). */
export function replicaSetHealth(obj: KubeObject): Health {
  const spec = (obj.spec ?? {}) as { replicas?: number };
  const status = (obj.status ?? {}) as { observedGeneration?: number; availableReplicas?: number };
  if ((obj.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed replica set generation less than desired generation',
    };
  }
  const failure = findCondition(obj, 'ReplicaFailure');
  if (failure?.status === 'True') return { status: 'Degraded', message: failure.message ?? '' };
  const available = status.availableReplicas ?? 0;
  if (spec.replicas !== undefined && available < spec.replicas) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} out of ${spec.replicas} new replicas are available...`,
    };
  }
  return { status: 'Healthy' };
}
