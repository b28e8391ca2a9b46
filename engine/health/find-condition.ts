import type { KubeObject } from '../model.ts';

/** One entry of `status.conditions`, as most Kubernetes kinds write it. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** All of `status.conditions` of an object; [] when it has none. */
export function conditionsOf(obj: KubeObject): Condition[] {
  const conditions = (obj.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(conditions) ? (conditions as Condition[]) : [];
}

/** The condition of a type, if the object has it. */
export function findCondition(obj: KubeObject, type: string): Condition | undefined {
  return conditionsOf(obj).find((c) => c.type === type);
}
