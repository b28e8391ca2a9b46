/** How the adapter retries requests the API server could not answer. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 5. */
  maxAttempts: number;
  /** First backoff; doubled per attempt, with jitter. Default 200. */
  baseDelayMs: number;
  /** Ceiling of one backoff, also of a server's Retry-After. Default 5000. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

const RETRYABLE_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_REQUEST_TIMEOUT',
]);

/** 429 and 5xx but 501: the server may answer differently in a moment. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

interface StatusBody {
  reason?: string;
  details?: { causes?: Array<{ reason?: string }> };
}

/**
 * Whether an answer is worth asking again, the one place that decides: 429 and 5xx (but 501, and
 * the 500 of a server-side apply holding a field its schema does not declare),
 * and a 409 that is a race (the object changed under the request). A 409 that is a
 * server-side apply conflict with another field manager, or AlreadyExists, is final, as is
 * every other 4xx (an invalid object, a refusal): it fails at once with the server's message.
 */
export function isRetryableAnswer(status: number, body: unknown): boolean {
  const message = (body as { message?: unknown } | null)?.message;
  // Server-side apply of a field the schema does not declare: a 500 that never goes away.
  if (
    status === 500 &&
    typeof message === 'string' &&
    message.includes('failed to create typed patch object')
  )
    return false;
  if (isRetryableStatus(status)) return true;
  if (status !== 409) return false;
  const s = (typeof body === 'object' && body !== null ? body : {}) as StatusBody;
  if (s.reason === 'AlreadyExists') return false;
  return !(s.details?.causes ?? []).some((c) => c.reason === 'FieldManagerConflict');
}

/** Connection resets, refusals and timeouts (including a keep-alive socket closed under us). */
export function isRetryableError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && RETRYABLE_ERROR_CODES.has(code);
}

/**
 * Backoff before attempt `attempt + 1` (attempt counts from 1): exponential with full jitter
 * in its upper half, or the server's Retry-After (seconds) when longer; never above maxDelayMs.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfter?: string | string[],
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + (random() * exponential) / 2;
  const header = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  const seconds = header === undefined ? Number.NaN : Number(header);
  const serverSays = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 0;
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, serverSays)));
}
