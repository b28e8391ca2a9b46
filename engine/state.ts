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
  /** Bumped by the store on every write; a write naming an older version is refused (compare-and-set). */
  version?: number;
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
  /**
   * Why the live state could not be compared (syncStatus Unknown), e.g. a 403 listing a kind the
   * drift identity may not read. Cleared by the next comparison that works.
   */
  comparisonError?: string;
  /** Set by rollback: automated syncs are skipped until `app resume`. */
  automationPaused?: boolean;
  /** App wave and path, for listing without re-reading the repository. */
  wave?: number;
  path?: string;
  namespace?: string;
  updatedAt: string;
}

/** Where a job stands between two of its runs (a Lambda deadline, a serve slice). */
export interface JobProgress {
  jobId: string;
  revision: string;
  /** Apps this job has synced already (not synced again when it continues). */
  appsDone: string[];
  /** Runs of this job that stopped before its end; bounded (MAX_CONTINUATIONS). */
  continuations?: number;
  /**
   * The health gate between app waves this job is waiting at: the apps of the finished
   * wave and the time the wait ends, fixed when the wave finished, so that no
   * continuation restarts it.
   */
  gate?: WaveGate;
  /**
   * Gates earlier jobs stopped at without passing them (superseded, or another job took
   * over the environment): this job passes each, with its deadline unchanged, before it
   * syncs any app of a later wave. Apps this job syncs itself are taken out (their inputs
   * changed; their own gate starts when this job syncs them).
   */
  inheritedGates?: OpenGate[];
}

/** A health gate between app waves: the apps of the finished wave and when the wait ends. */
export interface WaveGate {
  wave: number;
  apps: string[];
  timeoutAt: string;
}

/** A wave gate left open by a job, with the job and revision that opened it. */
export interface OpenGate extends WaveGate {
  jobId: string;
  revision: string;
}

/** Per environment: where it stands. */
export interface EnvironmentState {
  env: string;
  /** The branch tip the environment last converged to (a job at the tip that succeeded). */
  lastRevision?: string;
  lastJobId?: string;
  /** How the last finished job ended, so a failed tip is not retried by every poll. */
  lastJob?: { id: string; revision: string; outcome: string };
  /** A job that stopped before its end (Lambda deadline) and will be continued. */
  inProgress?: JobProgress;
  /**
   * Wave gates left open by a superseded job: the next job passes them with the same
   * deadlines (JobProgress.inheritedGates), so a chain of superseding jobs never restarts a wait.
   */
  openGates?: OpenGate[];
  updatedAt: string;
}
