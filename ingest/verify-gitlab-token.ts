import { createHash, timingSafeEqual } from 'node:crypto';
import type { VerifyResult } from './verify-github-delivery.ts';

export interface VerifyGitlabTokenInput {
  /** The `X-Gitlab-Token` header: GitLab sends the configured secret token in plain text. */
  token?: string;
  secret: string;
}

/** Compares GitLab's secret token with ours in constant time (both hashed first, so lengths match). */
export function verifyGitlabToken(input: VerifyGitlabTokenInput): VerifyResult {
  if (!input.secret) {
    throw new Error(
      'The webhook secret is empty: set it (Secrets Manager on AWS, --webhook-secret-file locally) to the secret token configured in the GitLab webhook.',
    );
  }
  if (!input.token) {
    return {
      ok: false,
      status: 401,
      message: 'missing X-Gitlab-Token header: set a secret token on the GitLab webhook',
    };
  }
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(input.token), digest(input.secret))
    ? { ok: true }
    : { ok: false, status: 401, message: 'X-Gitlab-Token does not match: check the webhook secret token' };
}
