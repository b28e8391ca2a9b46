import type { Health, KubeObject } from '../model.ts';
import { type Condition, conditionsOf } from './find-condition.ts';

const WAITING: Health = { status: 'Progressing', message: 'Waiting to Autoscale' };

const DEGRADED_REASONS: ReadonlyArray<readonly [type: string, reason: string]> = [
  ['AbleToScale', 'FailedGetScale'],
  ['AbleToScale', 'FailedUpdateScale'],
  ['ScalingActive', 'FailedGetResourceMetric'],
  ['ScalingActive', 'InvalidSelector'],
];

const HEALTHY_TYPES = new Set(['AbleToScale', 'ScalingLimited']);

/** autoscaling/v1 keeps its conditions as JSON in an annotation; v2 in status.conditions. */
function hpaConditions(hpa: KubeObject): Condition[] | string {
  if (hpa.apiVersion !== 'autoscaling/v1') return conditionsOf(hpa);
  const annotation = hpa.metadata.annotations?.['autoscaling.alpha.kubernetes.io/conditions'];
  if (annotation === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(annotation);
    return Array.isArray(parsed) ? (parsed as Condition[]) : [];
  } catch (error) {
    return `failed to read the conditions annotation: ${(error as Error).message}`;
  }
}

/** Argo CD's HPA health (gitops-engine health_hpa.go): the first telling condition wins. */
export function horizontalPodAutoscalerHealth(hpa: KubeObject): Health {
  const conditions = hpaConditions(hpa);
  if (typeof conditions === 'string') return { status: 'Unknown', message: conditions };
  for (const c of conditions) {
    if (DEGRADED_REASONS.some(([type, reason]) => c.type === type && c.reason === reason)) {
      return { status: 'Degraded', message: c.message };
    }
    if (HEALTHY_TYPES.has(c.type) && c.status === 'True') return { status: 'Healthy', message: c.message };
  }
  return WAITING;
}
