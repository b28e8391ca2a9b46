import type { Initiator, KubeObject, OperationPhase, Outcome, PlanAction, SyncPhase } from './model.ts';

/** One step of a sync plan. No desired object means prune. */
export interface SyncTask {
  /** `group/kind/namespace/name`, see objectKey(). */
  key: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  wave: number;
  phase: SyncPhase;
  action: PlanAction;
  /** Why this action, for people: "not in cluster", "spec.replicas differs", "no longer in Git". */
  reason: string;
  desired?: KubeObject;
  live?: KubeObject;
  /** Set for hook resources (PreSync/Sync/PostSync/SyncFail). */
  hook?: { deletePolicies: Array<'HookSucceeded' | 'HookFailed' | 'BeforeHookCreation'> };
  /** How the object is written (sync options of the app and the object); absent: server-side apply, validated. */
  options?: TaskOptions;
}

/** The sync options that decide how one object is written (engine/plan/task-options.ts). */
export interface TaskOptions {
  /** PUT (create when missing) instead of server-side apply. */
  replace: boolean;
  /** Take over fields other managers own (with replace: delete and create). */
  force: boolean;
  /** false: fieldValidation=Ignore, else Strict. */
  validate: boolean;
  skipDryRunOnMissingResource: boolean;
}

/** A sync plan is data before it is action: print it, test it, then execute it. */
export interface SyncPlan {
  env: string;
  app: string;
  revision: string;
  tasks: SyncTask[];
}

export interface TaskResult {
  key: string;
  outcome: Outcome;
  message?: string;
}

/** The saved state of a running sync, so a Lambda can stop at any step and the next one continues. */
export interface SyncOperation {
  env: string;
  app: string;
  revision: string;
  initiator: Initiator;
  deliveryId?: string;
  startedAt: string;
  phase: OperationPhase;
  /** Where it stands: applying a wave, waiting for its health, pruning, done. */
  stage: 'apply' | 'wait' | 'prune' | 'done';
  /** Index into the ordered list of (phase, wave) groups of the plan. */
  groupIndex: number;
  /** When the current group was applied (health timeout counts from here). */
  groupAppliedAt?: string;
  results: TaskResult[];
  message: string;
  options: { prune: boolean; dryRun: boolean; force: boolean };
  /**
   * A hash of the sync's inputs (the rendered objects, the app's namespace and sync policy). A
   * sync at a later revision with the same inputs continues this operation, its waits' deadlines
   * unchanged (a push to another app supersedes the job, not the app's wait).
   */
  inputsHash?: string;
}

export type { KubeObject, PlanAction };
