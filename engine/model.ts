import type { DestinationPolicy } from './policy/destination-policy.ts';
/**
 * The words of syncwave (docs/architecture.md) as types. Every layer speaks these.
 */

/** A Kubernetes object as rendered from Git or read from the cluster: plain JSON, never a typed model. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    ownerReferences?: Array<{
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
    }>;
    managedFields?: unknown[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Identifies one object independent of its API version. */
export interface ObjectRef {
  /** API group, '' for the core group. */
  group: string;
  kind: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  name: string;
}

export const HEALTH_CODES = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
] as const;
/** Health of an object or an app. Ordered best to worst for "worst of" (Argo CD's order). */
export type HealthCode = (typeof HEALTH_CODES)[number];

export interface Health {
  status: HealthCode;
  /** Why, for anything not Healthy: the pod's waiting reason, the condition's message. */
  message?: string;
}

export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';

export type OperationPhase = 'Running' | 'Succeeded' | 'Failed' | 'Error';

/** What a sync plan intends for one object. */
export type PlanAction = 'create' | 'update' | 'unchanged' | 'prune' | 'keep';

/** What happened to one object. */
export type Outcome = 'created' | 'configured' | 'unchanged' | 'pruned' | 'kept' | 'failed' | 'skipped';

export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';

/** Who or what started a sync ('preview': a pull request's preview, which never syncs). */
export type Initiator = 'push' | 'poll' | 'self-heal' | 'manual' | 'rollback' | 'preview';

export interface Environment {
  name: string;
  branch: string;
  /** A cluster name: an EKS cluster on AWS, a kubeconfig context locally. */
  cluster: string;
  /** Optional namespace prefix, so two environments can share one cluster (local demo). */
  namespacePrefix?: string;
  /** syncwave.yaml's own destination rules: checked on top of the operator's policy (narrowing only). */
  policy?: DestinationPolicy;
}
