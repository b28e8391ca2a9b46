import type { Health, OperationPhase, Outcome, SyncStatusCode } from './model.ts';

/** One object an app owns, with enough to find it again (apiVersion for the API path). */
export interface InventoryEntry {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** What one object was last applied as, and the live object the sync left behind. */
export interface AppliedRecord {
  /** desiredHash() of the object sent. */
  hash: string;
  /** metadata.resourceVersion of the live object after that sync: any write since changes it. */
  resourceVersion: string;
  /** metadata.uid: a deleted and re-created object never matches. */
  uid?: string;
}

/** Status of one object of an app, as shown by `app get`. */
export interface ResourceStatus extends InventoryEntry {
  wave: number;
  syncStatus: SyncStatusCode;
  health?: { status: Health['status']; message?: string };
  /** Outcome of the last sync for this object. */
  outcome?: Outcome;
  message?: string;
}

export interface OperationSummary {
  phase: OperationPhase;
  message: string;
  revision: string;
  initiator: string;
  startedAt: string;
  finishedAt?: string;
  historyId?: number;
}

/** Everything known about one app in one environment. */
export interface AppState {
  env: string;
  app: string;
  /** Last revision synced (successfully or not). */
  revision?: string;
  /** Revision of the last successful sync: the state drift is compared against. */
  syncedRevision?: string;
  syncStatus: SyncStatusCode;
  health: Health;
  resources: ResourceStatus[];
  /** Objects the app owns: prune deletes only from these (and only when the tracking annotation agrees). */
  inventory: InventoryEntry[];
  /**
   * Per object key: what the last successful sync applied (a hash of the desired object)
   * and the live version it left, so a re-sync skips the dry run of objects neither Git
   * nor anyone in the cluster changed since. Absent = compare everything.
   */
  applied?: Record<string, AppliedRecord>;
  lastOperation?: OperationSummary;
  /** Set by rollback: automated syncs are skipped until `app resume`. */
  automationPaused?: boolean;
  /** App wave and path, for listing without re-reading the repository. */
  wave?: number;
  path?: string;
  namespace?: string;
  updatedAt: string;
}

/** Per environment: where it stands. */
export interface EnvironmentState {
  env: string;
  /** The newest revision whose job completed: a job for an ancestor of it is skipped. */
  lastRevision?: string;
  lastJobId?: string;
  /** A job that stopped before its end (Lambda deadline) and will be continued. */
  inProgress?: { jobId: string; revision: string; appsDone: string[] };
  updatedAt: string;
}
