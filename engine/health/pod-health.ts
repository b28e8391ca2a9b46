import type { Health, KubeObject } from '../model.ts';
import {
  type ContainerStatus,
  containerStatusesOf,
  isFailingWaitReason,
  podStatusOf,
} from './container-statuses.ts';
import { findCondition } from './find-condition.ts';

function restartPolicyOf(pod: KubeObject): string {
  return ((pod.spec ?? {}) as { restartPolicy?: string }).restartPolicy ?? 'Always';
}

/** `container "web": ImagePullBackOff: Back-off pulling image "nginx:nope"` for each stuck container. */
function stuckContainers(pod: KubeObject): string[] {
  return containerStatusesOf(pod)
    .filter((c) => isFailingWaitReason(c.state?.waiting?.reason))
    .map((c) => {
      const waiting = c.state?.waiting ?? {};
      return `container "${c.name}": ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
    });
}

function failMessage(c: ContainerStatus): string {
  const t = c.state?.terminated;
  if (!t) return '';
  if (t.message) return t.message;
  if (t.reason === 'OOMKilled') return `container "${c.name}": OOMKilled`;
  if (t.exitCode) return `container "${c.name}" failed with exit code ${t.exitCode}`;
  return '';
}

function runningHealth(pod: KubeObject, message: string | undefined): Health {
  if (restartPolicyOf(pod) !== 'Always') return { status: 'Progressing', message };
  if (findCondition(pod, 'Ready')?.status === 'True') return { status: 'Healthy', message };
  const crashed = (podStatusOf(pod).containerStatuses ?? []).find((c) => c.lastState?.terminated);
  if (crashed) {
    const last = crashed.lastState?.terminated ?? {};
    const why = `container "${crashed.name}" is not ready, last terminated: ${last.reason ?? 'unknown'} (exit code ${last.exitCode ?? '?'})`;
    return { status: 'Degraded', message: message || why };
  }
  return { status: 'Progressing', message };
}

/**
 * Argo CD's Pod health (gitops-engine health_pod.go). With restartPolicy Always, a container
 * stuck waiting (ImagePullBackOff, CrashLoopBackOff, ErrImagePull, CreateContainerConfigError,
 * InvalidImageName...) is Degraded; the message names the container and the reason. Unlike
 * Argo CD, init containers count too. An absent restartPolicy is the API default, Always.
 */
export function podHealth(pod: KubeObject): Health {
  const status = podStatusOf(pod);
  const message = status.message || undefined;
  if (restartPolicyOf(pod) === 'Always') {
    const stuck = stuckContainers(pod);
    if (stuck.length > 0) return { status: 'Degraded', message: stuck.join(', ') };
  }
  switch (status.phase) {
    case 'Pending':
      return { status: 'Progressing', message };
    case 'Succeeded':
      return { status: 'Healthy', message };
    case 'Failed': {
      if (message) return { status: 'Degraded', message };
      const reason = containerStatusesOf(pod).map(failMessage).find(Boolean);
      return { status: 'Degraded', message: reason || undefined };
    }
    case 'Running':
      return runningHealth(pod, message);
    default:
      return { status: 'Unknown', message };
  }
}
