import { Webhooks } from '@octokit/webhooks';

export interface VerifyGithubDeliveryInput {
  /** The body bytes exactly as received, before any parsing. */
  rawBody: string | Uint8Array;
  /** The `X-Hub-Signature-256` header: `sha256=<hex>`. */
  signature256?: string;
  secret: string;
}

export type VerifyResult = { ok: true } | { ok: false; status: 401; message: string };

/**
 * Checks GitHub's HMAC-SHA256 signature over the raw body with @octokit/webhooks (a timing-safe
 * comparison). Call it before parsing the body.
 */
export async function verifyGithubDelivery(input: VerifyGithubDeliveryInput): Promise<VerifyResult> {
  if (!input.secret) {
    throw new Error(
      'The webhook secret is empty: set it (Secrets Manager on AWS, --webhook-secret-file locally) to the value configured in the GitHub webhook.',
    );
  }
  const signature = input.signature256?.trim();
  if (!signature) {
    return {
      ok: false,
      status: 401,
      message: 'missing X-Hub-Signature-256 header: set a secret on the GitHub webhook',
    };
  }
  if (!/^sha256=[0-9a-f]{64}$/i.test(signature)) {
    return { ok: false, status: 401, message: 'malformed X-Hub-Signature-256 header: expected sha256=<hex>' };
  }
  const payload =
    typeof input.rawBody === 'string'
      ? input.rawBody
      : Buffer.from(input.rawBody.buffer, input.rawBody.byteOffset, input.rawBody.byteLength).toString(
          'utf8',
        );
  if (payload.length === 0) return { ok: false, status: 401, message: 'empty body: nothing was signed' };
  const ok = await new Webhooks({ secret: input.secret }).verify(payload, signature.toLowerCase());
  return ok
    ? { ok: true }
    : {
        ok: false,
        status: 401,
        message: 'signature does not match the body: check that the webhook secret matches',
      };
}
