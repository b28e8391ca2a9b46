import type { Health, KubeObject } from '../model.ts';
import { findCondition } from './find-condition.ts';

interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
}

/** Argo CD's Deployment health (gitops-engine health_deployment.go, after kubectl rollout status). */
export function deploymentHealth(obj: KubeObject): Health {
  const spec = (obj.spec ?? {}) as { paused?: boolean; replicas?: number };
  const status = (obj.status ?? {}) as DeploymentStatus;
  if (spec.paused) return { status: 'Suspended', message: 'Deployment is paused' };
  if ((obj.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    };
  }
  const replicas = status.replicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (findCondition(obj, 'Progressing')?.reason === 'ProgressDeadlineExceeded') {
    return {
      status: 'Degraded',
      message: `Deployment "${obj.metadata.name}" exceeded its progress deadline`,
    };
  }
  if (spec.replicas !== undefined && updated < spec.replicas) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${updated} out of ${spec.replicas} new replicas have been updated...`,
    };
  }
  if (replicas > updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { status: 'Healthy' };
}
