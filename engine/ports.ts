/**
 * The narrow interfaces through which the engine talks to the world. Adapters implement
 * them (adapters/kube, adapters/local, adapters/aws, adapters/git, adapters/github).
 */
import type { HistoryEntry } from './history.ts';
import type { Initiator, KubeObject, ObjectRef } from './model.ts';
import type { SyncOperation } from './operation.ts';
import type { AppState, EnvironmentState } from './state.ts';

/**
 * How the API server treats unknown or duplicate fields (its `fieldValidation`): Strict refuses
 * the object, as kubectl does by default; Ignore drops them silently (Argo CD's Validate=false).
 * Unset: the server's default (Warn: dropped, with a warning).
 */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface ApplyOptions {
  dryRun: boolean;
  /** Take over conflicting fields from other managers. */
  force: boolean;
  /** Field manager, 'syncwave' unless told. */
  fieldManager?: string;
  fieldValidation?: FieldValidation;
}

export interface CreateOptions {
  dryRun: boolean;
  /** Field manager, 'syncwave' unless told. */
  fieldManager?: string;
  fieldValidation?: FieldValidation;
}

/** A replace (PUT): the object must carry the live object's metadata.resourceVersion. */
export type ReplaceOptions = CreateOptions;

export interface DeleteOptions {
  propagationPolicy: 'Foreground' | 'Background' | 'Orphan';
}

/** Scope of a kind, as the API server's discovery tells it. */
export interface KindInfo {
  namespaced: boolean;
  /** Plural resource name, e.g. 'deployments'. */
  resource: string;
}

/** One Kubernetes cluster, spoken to through server-side apply with raw JSON. */
export interface Cluster {
  /** Server-side apply of the object exactly as given. Throws ClusterError on rejection. */
  apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject>;
  /**
   * Creates the object (POST), never touching an existing one: a taken name throws a ClusterError
   * with code 'Conflict' and reason 'AlreadyExists'. For hooks that run afresh on every sync.
   */
  create(obj: KubeObject, opts: CreateOptions): Promise<KubeObject>;
  /**
   * Replaces the object (PUT) with exactly the given one: fields it does not set are gone, whoever
   * set them. Needs metadata.resourceVersion (a stale one throws a ClusterError with code 'Conflict').
   */
  replace(obj: KubeObject, opts: ReplaceOptions): Promise<KubeObject>;
  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined>;
  list(
    apiVersion: string,
    kind: string,
    opts?: { namespace?: string; labelSelector?: string; fieldSelector?: string },
  ): Promise<KubeObject[]>;
  delete(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    opts: DeleteOptions,
  ): Promise<void>;
  /** Discovery for a kind; undefined when the API server does not (yet) serve it. Cached; `refresh` drops the cache. */
  kindInfo(apiVersion: string, kind: string, opts?: { refresh?: boolean }): Promise<KindInfo | undefined>;
}

/** A checked-out revision of the GitOps repository, on disk. */
export interface Checkout {
  dir: string;
  revision: string;
}

/** The GitOps repository. */
export interface Source {
  /** The commit SHA at the tip of a branch. */
  resolve(ref: string): Promise<string>;
  /** The files of a revision on disk (cached by revision). */
  checkout(revision: string): Promise<Checkout>;
  /** True when `ancestor` is reachable from `descendant` (or equal). */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Paths changed between two revisions; undefined when it cannot tell. */
  changedPaths?(from: string, to: string): Promise<string[] | undefined>;
  /** The best common ancestor of two commits (what a pull request is compared with); undefined when none. */
  mergeBase?(a: string, b: string): Promise<string | undefined>;
}

export interface ToolRunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Stop the tool after this long (the runner's own default otherwise). */
  timeoutMs?: number;
  /** Stop the tool once stdout and stderr together pass this many bytes (the runner's default otherwise). */
  maxOutputBytes?: number;
}

export interface ToolRunResult {
  stdout: string;
  stderr: string;
  code: number;
  /** Set when the runner stopped the tool: past its time limit, or past its output limit. */
  stopped?: { limit: 'timeout'; ms: number } | { limit: 'output'; bytes: number };
}

export interface DownloadOptions {
  /** Refuse an answer larger than this many bytes (its Content-Length, or what arrives). */
  maxBytes: number;
  /** Give up after this long, redirects and authentication included. */
  timeoutMs: number;
  /** The Accept header (OCI manifests need theirs). */
  accept?: string;
}

export type DownloadResult =
  | { ok: true; body: Buffer; contentType?: string }
  | {
      ok: false;
      /** network-refused: a hop's address is outside the render network policy; limit-exceeded: too large. */
      reason: 'network-refused' | 'limit-exceeded' | 'failed';
      /** The HTTP status of the last answer, when there was one. */
      status?: number;
      /** What went wrong, naming the URL (without userinfo) of the hop at fault. */
      detail: string;
    };

/** Runs the helm and kubectl binaries, with nothing of the worker's to steal and a network policy. */
export interface ToolRunner {
  run(tool: 'helm' | 'kubectl', args: string[], opts?: ToolRunOptions): Promise<ToolRunResult>;
  /**
   * An HTTP(S) GET for renders (chart repositories, OCI registries), within the render network
   * policy: every redirect hop's resolved address is checked before connecting, with the
   * operator's chart credentials for the URLs they are configured for (never the repository's).
   * A runner without it cannot fetch remote charts.
   */
  download?(url: string, opts: DownloadOptions): Promise<DownloadResult>;
  /**
   * Why the render network policy refuses a URL the repository names (a Helm dependency's
   * repository), or undefined when it may be fetched. A runner without a policy allows all.
   */
  refuseDestination?(url: string): Promise<string | undefined>;
}

/** Durable state: DynamoDB on AWS, SQLite locally, memory in unit tests. */
export interface StateStore {
  getApp(env: string, app: string): Promise<AppState | undefined>;
  /**
   * Compare-and-set: writes the app state when none is stored, or when the stored one still
   * has `state.version` (absent counts as 0), and stores it as version + 1. False when another
   * writer got there first: read again and redo the change (engine/update-app-state.ts).
   */
  putApp(state: AppState): Promise<boolean>;
  listApps(env?: string): Promise<AppState[]>;

  getEnvironment(env: string): Promise<EnvironmentState | undefined>;
  putEnvironment(state: EnvironmentState): Promise<void>;

  /** Adds an entry (its id assigned by the store, increasing per app) and keeps the newest `keep`. */
  appendHistory(entry: Omit<HistoryEntry, 'id'>, keep: number): Promise<HistoryEntry>;
  /** Newest first. */
  listHistory(env: string, app: string, limit?: number): Promise<HistoryEntry[]>;

  /** The in-flight (resumable) operation of an app, if any. */
  getOperation(env: string, app: string): Promise<SyncOperation | undefined>;
  putOperation(op: SyncOperation): Promise<void>;
  deleteOperation(env: string, app: string): Promise<void>;

  /** The desired objects rendered for a synced revision (for drift checks without re-render). */
  putDesired(env: string, app: string, revision: string, objects: KubeObject[]): Promise<void>;
  getDesired(env: string, app: string, revision: string): Promise<KubeObject[] | undefined>;

  /** Exclusive lease on an environment; false when someone else holds an unexpired one. */
  acquireLease(env: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean>;
  releaseLease(env: string, owner: string): Promise<void>;

  /** Records that a job (by delivery id) was processed; false if it already was. */
  markJobDone?(jobId: string, nowMs: number): Promise<boolean>;
}

/** A unit of work for one environment, as queued by the webhook or the drift checker. */
export interface Job {
  /** Unique: the delivery id, or a generated id for poll/self-heal/manual jobs. */
  id: string;
  repo: string;
  env: string;
  /** Commit SHA (or a branch name for manual jobs that want the tip). */
  revision: string;
  /** Paths changed by the push; 'all' when the push payload cannot tell. */
  changedPaths: string[] | 'all';
  reason: Initiator;
  /** Limit to these apps (self-heal, manual sync). */
  apps?: string[];
  /** Manual options. */
  prune?: boolean;
  dryRun?: boolean;
  /** Set on preview jobs (reason 'preview'): render and dry-run only, never applied. */
  pullRequest?: PullRequestRef;
  enqueuedAt: string;
}

/** The pull (merge) request a preview job is for. */
export interface PullRequestRef {
  provider: 'github' | 'gitlab';
  number: number;
  /** The ref whose tip is the request's newest head (the head branch, `refs/pull/N/head` for a fork). */
  headRef: string;
  /** The head lives in another repository: untrusted content, previewed only when the operator allows it. */
  fork: boolean;
}

export interface Queue {
  send(job: Job): Promise<void>;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface Notifier {
  commitStatus(input: {
    repo: string;
    revision: string;
    context: string;
    state: CommitState;
    description: string;
  }): Promise<void>;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** Structured log: same keys everywhere (deliveryId, env, app, revision, wave, phase, outcome, durationMs). */
export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type { ObjectRef };
