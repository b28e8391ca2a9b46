import type { KubeObject } from '../model.ts';
import { type ContainerStatus, containerStatusesOf, isFailingWaitReason } from './container-statuses.ts';
import { findCondition } from './find-condition.ts';

function lastTermination(c: ContainerStatus): string {
  const t = c.lastState?.terminated;
  if (!t) return '';
  return `, last terminated: ${t.reason ?? 'unknown'}${t.exitCode !== undefined ? ` (exit code ${t.exitCode})` : ''}`;
}

function containerProblem(c: ContainerStatus): string | undefined {
  const waiting = c.state?.waiting;
  if (waiting && isFailingWaitReason(waiting.reason)) {
    const detail = waiting.message ? `: ${waiting.message}` : '';
    if (waiting.reason === 'CrashLoopBackOff') {
      return `container "${c.name}" CrashLoopBackOff (restarted ${c.restartCount ?? 0} times${lastTermination(c)})${detail}`;
    }
    return `container "${c.name}" ${waiting.reason}${detail}`;
  }
  const terminated = c.state?.terminated;
  if (terminated?.exitCode) {
    const why = terminated.message ? `: ${terminated.message}` : '';
    return `container "${c.name}" terminated: ${terminated.reason ?? 'Error'} (exit code ${terminated.exitCode})${why}`;
  }
  return undefined;
}

/**
 * What is wrong with a pod, one line per finding, each starting with the pod:
 * stuck containers (image pull, crash loop with restart count and last termination),
 * failed containers, an unschedulable pod, and failing readiness.
 */
export function podProblems(pod: KubeObject): string[] {
  const prefix = `Pod/${pod.metadata.name}`;
  const lines = containerStatusesOf(pod)
    .map(containerProblem)
    .filter((line): line is string => line !== undefined)
    .map((line) => `${prefix}: ${line}`);
  const scheduled = findCondition(pod, 'PodScheduled');
  if (scheduled?.status === 'False') {
    lines.push(`${prefix}: not scheduled: ${scheduled.message || scheduled.reason || 'no reason given'}`);
  }
  const ready = findCondition(pod, 'Ready');
  const phase = ((pod.status ?? {}) as { phase?: string }).phase;
  if (lines.length === 0 && phase === 'Running' && ready?.status === 'False') {
    lines.push(`${prefix}: not ready: ${ready.message || ready.reason || 'readiness failing'}`);
  }
  return lines;
}
