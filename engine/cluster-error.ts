/**
 * The typed error of the Cluster port (engine/ports.ts): every Cluster adapter throws it, and
 * the engine reads its fields (code, status, reason, object), never its message. Messages
 * start with the object (`Deployment/frontend/web: ...`) and end with what to do next.
 */

/** Why the API server (or the way to it) refused a request. */
export type ClusterErrorCode =
  | 'Conflict'
  | 'Invalid'
  | 'NotFound'
  | 'Forbidden'
  | 'Unauthorized'
  | 'UnknownKind'
  | 'Unavailable'
  | 'Other';

/** One field another field manager owns, from a server-side apply conflict. */
export interface FieldConflict {
  /** The other field manager, e.g. 'kubectl-edit'. */
  manager: string;
  /** The API version the manager used, when the server says. */
  apiVersion?: string;
  /** The field path, e.g. '.spec.replicas'. */
  field: string;
}

export interface ClusterErrorInit {
  code: ClusterErrorCode;
  /** `Kind/namespace/name`, `Kind/name`, or a kind/resource for lists. */
  object: string;
  /** What happened, without the object prefix and without the advice. */
  detail: string;
  /** What to do next. */
  advice?: string;
  /** HTTP status; absent when no answer came (connection errors). */
  status?: number;
  /** The `reason` of the API server's Status. */
  reason?: string;
  /** The `message` of the API server's Status, verbatim. */
  serverMessage?: string;
  conflicts?: FieldConflict[];
  /** Requests made for this answer (more than 1 when retries were spent). */
  attempts?: number;
  cause?: unknown;
}

/** A request to the Kubernetes API failed. */
export class ClusterError extends Error {
  override name = 'ClusterError';
  readonly code: ClusterErrorCode;
  readonly object: string;
  readonly detail: string;
  readonly advice?: string;
  readonly status?: number;
  readonly reason?: string;
  readonly serverMessage?: string;
  readonly conflicts: FieldConflict[];
  readonly attempts: number;

  constructor(init: ClusterErrorInit) {
    const advice = init.advice === undefined ? '' : `; ${init.advice}`;
    super(`${init.object}: ${init.detail}${advice}`, { cause: init.cause });
    this.code = init.code;
    this.object = init.object;
    this.detail = init.detail;
    this.advice = init.advice;
    this.status = init.status;
    this.reason = init.reason;
    this.serverMessage = init.serverMessage;
    this.conflicts = init.conflicts ?? [];
    this.attempts = init.attempts ?? 1;
  }
}

/** True for a ClusterError, optionally of one code. */
export function isClusterError(error: unknown, code?: ClusterErrorCode): error is ClusterError {
  return error instanceof ClusterError && (code === undefined || error.code === code);
}

/** The code of a ClusterError, if the error is one. */
export function clusterErrorCode(error: unknown): ClusterErrorCode | undefined {
  return error instanceof ClusterError ? error.code : undefined;
}
