import type { AppSpec } from '../app-spec.ts';
import type { Initiator } from '../model.ts';
import type { Clock, Cluster, Log, StateStore } from '../ports.ts';

/** Options a person or a policy sets for one sync. */
export interface SyncRequest {
  /** Delete what Git no longer renders (manual `--prune`, or the policy's automated.prune). */
  prune: boolean;
  /** Plan and dry-run only: nothing is written to the cluster, no history is recorded. */
  dryRun: boolean;
  /** Take over fields owned by other managers. */
  force: boolean;
}

/** Everything one app sync needs. */
export interface SyncContext {
  app: AppSpec;
  revision: string;
  initiator: Initiator;
  deliveryId?: string;
  request: SyncRequest;
  cluster: Cluster;
  state: StateStore;
  clock: Clock;
  log: Log;
  historyLimit: number;
  /** Stop and save the operation when this time is near (Lambda); absent = run to the end. */
  deadline?: Date;
  /** Between health checks. */
  pollIntervalMs: number;
  /** Writes in flight at once within one wave. */
  concurrency: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 1000;
export const DEFAULT_CONCURRENCY = 8;
