import type { KubeObject } from '../model.ts';
import { describeObject } from '../object-key.ts';
import { assessHealth } from './assess-health.ts';
import { findCondition } from './find-condition.ts';
import { podProblems } from './pod-problems.ts';
import { warningEvents } from './warning-events.ts';

/** Objects around an unhealthy one, as the caller listed them from its namespace. */
export interface RelatedObjects {
  replicaSets?: readonly KubeObject[];
  pods?: readonly KubeObject[];
  events?: readonly KubeObject[];
}

export interface ExplainOptions {
  /** Warning events shown, newest first. Default 5. */
  maxEvents?: number;
  /** Pods with problems shown; the rest are counted. Default 3. */
  maxPods?: number;
}

function ownedBy(objects: readonly KubeObject[] | undefined, owner: KubeObject): KubeObject[] {
  const uid = owner.metadata.uid;
  if (!uid) return [];
  return (objects ?? []).filter((o) => o.metadata.ownerReferences?.some((ref) => ref.uid === uid));
}

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) || 0;
}

/** The Deployment's newest ReplicaSet: highest revision, then newest. */
function newestReplicaSet(
  deployment: KubeObject,
  replicaSets: readonly KubeObject[] | undefined,
): KubeObject | undefined {
  return ownedBy(replicaSets, deployment).sort(
    (a, b) =>
      revisionOf(b) - revisionOf(a) ||
      (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
  )[0];
}

function replicaSetLine(rs: KubeObject): string {
  const spec = (rs.spec ?? {}) as { replicas?: number };
  const status = (rs.status ?? {}) as { availableReplicas?: number };
  const failure = findCondition(rs, 'ReplicaFailure');
  const failed = failure?.status === 'True' ? `; ${failure.message ?? failure.reason}` : '';
  return `ReplicaSet/${rs.metadata.name} (revision ${revisionOf(rs)}): ${status.availableReplicas ?? 0} of ${spec.replicas ?? 0} replicas available${failed}`;
}

function podLines(pods: readonly KubeObject[], maxPods: number): string[] {
  const troubled = pods.map(podProblems).filter((lines) => lines.length > 0);
  const lines = troubled.slice(0, maxPods).flat();
  if (troubled.length > maxPods) lines.push(`... and ${troubled.length - maxPods} more pods with problems`);
  return lines;
}

/**
 * Why an object is not healthy, following the chain for `app get`: the object's own health,
 * then for a Deployment its newest ReplicaSet (by ownerReferences uid) and that one's pods, for
 * other workloads their pods, then the containers' states, failing readiness, and the newest
 * Warning events about any of them. Pure: the caller passes the related objects in.
 */
export function explainUnhealthy(
  obj: KubeObject,
  related: RelatedObjects = {},
  opts: ExplainOptions = {},
): string[] {
  const lines: string[] = [];
  const health = assessHealth(obj);
  if (health.status !== 'Healthy') {
    lines.push(
      `${describeObject({ kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name })}: ${health.status}${health.message ? `: ${health.message}` : ''}`,
    );
  }
  const chain: KubeObject[] = [obj];
  let pods: KubeObject[] = [];
  if (obj.kind === 'Deployment') {
    const rs = newestReplicaSet(obj, related.replicaSets);
    if (rs) {
      lines.push(replicaSetLine(rs));
      chain.push(rs);
      pods = ownedBy(related.pods, rs);
    }
  } else if (obj.kind === 'Pod') {
    pods = [obj];
  } else {
    pods = ownedBy(related.pods, obj);
  }
  lines.push(...podLines(pods, opts.maxPods ?? 3));
  for (const p of pods) if (p !== obj) chain.push(p);
  lines.push(...warningEvents(related.events ?? [], chain, opts.maxEvents ?? 5));
  return lines;
}
