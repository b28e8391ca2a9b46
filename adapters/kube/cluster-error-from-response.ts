import { ClusterError, type ClusterErrorCode, type FieldConflict } from './errors.ts';

/** The parts of a metav1.Status body the adapter reads. */
interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ reason?: string; message?: string; field?: string }> };
}

export interface ErrorResponse {
  /** `Kind/namespace/name` (or what the request was about). */
  object: string;
  /** What was tried, for the message: 'apply', 'get', 'list', 'delete', 'discovery'. */
  verb: string;
  status: number;
  body: unknown;
  /** Attempts made (more than 1 when retries were spent). */
  attempts?: number;
}

/** Turns an API server error answer (a Status object, usually) into a ClusterError. */
export function clusterErrorFromResponse(response: ErrorResponse): ClusterError {
  const status = asStatus(response.body);
  // Server-side apply answers 500 when an object holds a field its schema does not declare: invalid, not an outage.
  const code = isSchemaRefusal(response.status, status?.message) ? 'Invalid' : codeOf(response.status);
  const serverMessage =
    status?.message ?? (typeof response.body === 'string' ? response.body.trim() : undefined);
  const conflicts = code === 'Conflict' ? conflictsOf(status) : [];
  const base = {
    code,
    object: response.object,
    status: response.status,
    reason: status?.reason,
    serverMessage,
    conflicts,
    attempts: response.attempts,
  };
  const said = serverMessage ? `: ${serverMessage}` : '';
  const http = `HTTP ${response.status}${status?.reason ? ` ${status.reason}` : ''}`;
  switch (code) {
    case 'Conflict':
      if (conflicts.length > 0) {
        return new ClusterError({
          ...base,
          detail: `${response.verb} conflicts with other field managers: ${describeConflicts(conflicts)}`,
          advice:
            "another field manager owns these fields; set the app's syncOptions Force=true to take them over, or remove them from Git",
        });
      }
      return new ClusterError({
        ...base,
        detail: `${response.verb} refused (${http})${said}`,
        advice: 'the object changed or exists already; sync again',
      });
    case 'Invalid':
      return new ClusterError({
        ...base,
        detail: `${response.verb} rejected as invalid (${http})${said}`,
        advice: 'fix the manifest in Git',
      });
    case 'NotFound':
      return new ClusterError({
        ...base,
        detail: `${response.verb} found nothing (${http})${said}`,
        advice:
          'check that its namespace exists (a Namespace in an earlier wave, or CreateNamespace=true) and that the API server serves its kind',
      });
    case 'Forbidden':
      return new ClusterError({
        ...base,
        detail: `${response.verb} forbidden (${http})${said}`,
        advice: "grant syncwave's identity this permission (RBAC role or EKS access entry policy)",
      });
    case 'Unauthorized':
      return new ClusterError({
        ...base,
        detail: `${response.verb} unauthorized (${http})${said}`,
        advice:
          'the API server rejected the credentials; check the kubeconfig user or the EKS access entry and token',
      });
    case 'Unavailable':
      return new ClusterError({
        ...base,
        detail: `${response.verb} failed, the API server is overloaded or unavailable (${http}${
          response.attempts && response.attempts > 1 ? ` after ${response.attempts} attempts` : ''
        })${said}`,
        advice: 'the next sync retries it; if it persists, check the API server and its admission webhooks',
      });
    default:
      return new ClusterError({
        ...base,
        detail: `${response.verb} failed (${http})${said}`,
        advice: 'see the API server message; report it if it persists',
      });
  }
}

/** A server-side apply the API server could not type against the kind's schema (an undeclared field). */
function isSchemaRefusal(httpStatus: number, message: string | undefined): boolean {
  return httpStatus === 500 && /failed to create typed patch object/.test(message ?? '');
}

function codeOf(httpStatus: number): ClusterErrorCode {
  if (httpStatus === 409) return 'Conflict';
  if (httpStatus === 400 || httpStatus === 422) return 'Invalid';
  if (httpStatus === 404) return 'NotFound';
  if (httpStatus === 403) return 'Forbidden';
  if (httpStatus === 401) return 'Unauthorized';
  if (httpStatus === 429 || (httpStatus >= 500 && httpStatus !== 501)) return 'Unavailable';
  return 'Other';
}

function asStatus(body: unknown): KubeStatus | undefined {
  return typeof body === 'object' && body !== null ? (body as KubeStatus) : undefined;
}

/** Reads the FieldManagerConflict causes of a server-side apply conflict. */
function conflictsOf(status: KubeStatus | undefined): FieldConflict[] {
  const conflicts: FieldConflict[] = [];
  for (const cause of status?.details?.causes ?? []) {
    if (cause.reason !== 'FieldManagerConflict' || cause.field === undefined) continue;
    const manager = /conflict with "([^"]*)"/.exec(cause.message ?? '')?.[1];
    const apiVersion = /using (\S+)/.exec(cause.message ?? '')?.[1];
    conflicts.push({
      manager: manager ?? cause.message ?? 'unknown manager',
      apiVersion,
      field: cause.field,
    });
  }
  return conflicts;
}

/** `conflict with "kubectl" using apps/v1: .spec.replicas, .spec.paused`, one group per manager. */
function describeConflicts(conflicts: FieldConflict[]): string {
  const groups = new Map<string, string[]>();
  for (const conflict of conflicts) {
    const using = conflict.apiVersion ? ` using ${conflict.apiVersion}` : '';
    const key = `conflict with "${conflict.manager}"${using}`;
    groups.set(key, [...(groups.get(key) ?? []), conflict.field]);
  }
  return [...groups].map(([key, fields]) => `${key}: ${fields.join(', ')}`).join('; ');
}
