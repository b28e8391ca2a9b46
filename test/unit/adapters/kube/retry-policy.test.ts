import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableAnswer,
  isRetryableError,
  isRetryableStatus,
  retryDelayMs,
} from '../../../../adapters/kube/retry-policy.ts';

describe('retry policy', () => {
  it('retries 429 and 5xx but 501, and connection errors', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 404, 409, 501].some(isRetryableStatus)).toBe(false);
    expect(isRetryableError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableError(new Error('certificate has expired'))).toBe(false);
  });

  it('classifies answers once: a 409 race is retried, an apply conflict, AlreadyExists and other 4xx are final', () => {
    expect(isRetryableAnswer(503, {})).toBe(true);
    expect(isRetryableAnswer(409, { reason: 'Conflict', message: 'the object has been modified' })).toBe(
      true,
    );
    expect(
      isRetryableAnswer(409, {
        reason: 'Conflict',
        details: { causes: [{ reason: 'FieldManagerConflict' }] },
      }),
    ).toBe(false);
    expect(isRetryableAnswer(409, { reason: 'AlreadyExists' })).toBe(false);
    for (const status of [400, 401, 403, 404, 405, 422, 501])
      expect(isRetryableAnswer(status, {})).toBe(false);
  });

  it('backs off exponentially within bounds, and honours Retry-After up to the ceiling', () => {
    const policy = DEFAULT_RETRY_POLICY;

    expect(retryDelayMs(policy, 1, undefined, () => 1)).toBe(200);
    expect(retryDelayMs(policy, 1, undefined, () => 0)).toBe(100);
    expect(retryDelayMs(policy, 3, undefined, () => 1)).toBe(800);
    expect(retryDelayMs(policy, 20, undefined, () => 1)).toBe(5_000);
    expect(retryDelayMs(policy, 1, '2', () => 0)).toBe(2_000);
    expect(retryDelayMs(policy, 1, '3600', () => 0)).toBe(5_000);
    expect(retryDelayMs(policy, 1, 'soon', () => 1)).toBe(200);
  });
});
