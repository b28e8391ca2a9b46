import type { KubeObject } from '../model.ts';

interface ContainerStateTerminated {
  reason?: string;
  message?: string;
  exitCode?: number;
}

/** One entry of a pod's `status.containerStatuses` / `status.initContainerStatuses`. */
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: ContainerStateTerminated;
  };
  lastState?: { terminated?: ContainerStateTerminated };
}

export interface PodStatus {
  phase?: string;
  message?: string;
  reason?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

export function podStatusOf(pod: KubeObject): PodStatus {
  return (pod.status ?? {}) as PodStatus;
}

/** Init containers first, then app containers, as the kubelet runs them. */
export function containerStatusesOf(pod: KubeObject): ContainerStatus[] {
  const status = podStatusOf(pod);
  return [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
}

/**
 * Waiting reasons that mean the container cannot start without a change: Argo CD's Err*,
 * *Error and *BackOff, plus InvalidImageName (which Argo CD leaves Progressing forever).
 */
export function isFailingWaitReason(reason: string | undefined): boolean {
  if (!reason) return false;
  if (reason === 'InvalidImageName') return true;
  return reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff');
}
