import type { Health, KubeObject } from '../model.ts';

interface StatefulSetSpec {
  replicas?: number;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
}

interface StatefulSetStatus {
  observedGeneration?: number;
  readyReplicas?: number;
  updatedReplicas?: number;
  currentReplicas?: number;
  updateRevision?: string;
  currentRevision?: string;
}

/** Argo CD's StatefulSet health (gitops-engine health_statefulset.go): partition and OnDelete aware. */
export function statefulSetHealth(obj: KubeObject): Health {
  const spec = (obj.spec ?? {}) as StatefulSetSpec;
  const status = (obj.status ?? {}) as StatefulSetStatus;
  const observed = status.observedGeneration ?? 0;
  if (observed === 0 || (obj.metadata.generation ?? 0) > observed) {
    return { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' };
  }
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  if (spec.replicas !== undefined && ready < spec.replicas) {
    return { status: 'Progressing', message: `Waiting for ${spec.replicas - ready} pods to be ready...` };
  }
  const strategy = spec.updateStrategy?.type ?? 'RollingUpdate';
  if (strategy === 'RollingUpdate' && spec.updateStrategy?.rollingUpdate) {
    const partition = spec.updateStrategy.rollingUpdate.partition;
    if (spec.replicas !== undefined && partition !== undefined && updated < spec.replicas - partition) {
      return {
        status: 'Progressing',
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${spec.replicas - partition} new pods have been updated...`,
      };
    }
    return {
      status: 'Healthy',
      message: `partitioned roll out complete: ${updated} new pods have been updated...`,
    };
  }
  if (strategy === 'OnDelete') {
    return { status: 'Healthy', message: `statefulset has ${ready} ready pods` };
  }
  if (status.updateRevision !== status.currentRevision) {
    return {
      status: 'Progressing',
      message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${status.updateRevision}...`,
    };
  }
  return {
    status: 'Healthy',
    message: `statefulset rolling update complete ${status.currentReplicas ?? 0} pods at revision ${status.currentRevision}...`,
  };
}
