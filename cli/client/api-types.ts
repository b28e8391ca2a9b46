/**
 * The JSON of `syncwave serve`'s API, shared by the server (cli/serve) and the client.
 */
import type { AppState, HistoryEntry, Job, JobResult } from '../../engine/index.ts';
import type { AppDetail } from '../output/app-detail-view.ts';

export type { AppDetail };

export interface AppListResponse {
  apps: AppState[];
}

export interface HistoryResponse {
  env: string;
  app: string;
  history: HistoryEntry[];
}

/** One object that differs between Git and the cluster. */
export interface ObjectDiff {
  /** `Kind/namespace/name`. */
  object: string;
  action: string;
  /** Unified diff (live -> desired) of the fields syncwave manages. */
  diff: string;
}

export interface DiffResponse {
  env: string;
  app: string;
  revision?: string;
  inSync: boolean;
  objects: ObjectDiff[];
}

export interface SyncRequestBody {
  env?: string;
  revision?: string;
  /** Sync a revision that is not on the environment's branch (refused otherwise). */
  allowForeignRevision?: boolean;
  prune?: boolean;
  dryRun?: boolean;
}

/** Answer to sync, rollback: the queued job. */
export interface JobAccepted {
  job: Job;
  message: string;
}

export type JobStatusState = 'queued' | 'running' | 'done' | 'unknown';

export interface JobStatusResponse {
  id: string;
  state: JobStatusState;
  result?: JobResult;
}

export interface ErrorResponse {
  message: string;
}
