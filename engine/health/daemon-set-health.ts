import type { Health, KubeObject } from '../model.ts';

interface DaemonSetStatus {
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  desiredNumberScheduled?: number;
  numberAvailable?: number;
}

/** Argo CD's DaemonSet health (gitops-engine health_daemonset.go). */
export function daemonSetHealth(obj: KubeObject): Health {
  const spec = (obj.spec ?? {}) as { updateStrategy?: { type?: string } };
  const status = (obj.status ?? {}) as DaemonSetStatus;
  if ((obj.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    };
  }
  const updated = status.updatedNumberScheduled ?? 0;
  const desired = status.desiredNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  if (spec.updateStrategy?.type === 'OnDelete') {
    return {
      status: 'Healthy',
      message: `daemon set ${updated} out of ${desired} new pods have been updated`,
    };
  }
  const name = obj.metadata.name;
  if (updated < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    };
  }
  if (available < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
    };
  }
  return { status: 'Healthy' };
}
