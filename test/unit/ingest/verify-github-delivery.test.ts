import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyGithubDelivery } from '../../../ingest/verify-github-delivery.ts';
import { verifyGitlabToken } from '../../../ingest/verify-gitlab-token.ts';

const secret = "It's a Secret to Everybody";
const body = 'Hello, World!';
// GitHub's documented test vector (docs: "Validating webhook deliveries").
const githubVector = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

describe('verifyGithubDelivery', () => {
  it('accepts GitHub’s documented test vector', async () => {
    expect(await verifyGithubDelivery({ rawBody: body, signature256: githubVector, secret })).toEqual({
      ok: true,
    });
  });

  it('accepts a Buffer body and an upper-case hex signature', async () => {
    const sig = `sha256=${createHmac('sha256', secret).update(body).digest('hex').toUpperCase()}`;
    expect(await verifyGithubDelivery({ rawBody: Buffer.from(body), signature256: sig, secret })).toEqual({
      ok: true,
    });
  });

  it.each([
    ['missing', undefined, /missing X-Hub-Signature-256/],
    ['empty', '', /missing/],
    ['sha1 only', 'sha1=0123456789abcdef0123456789abcdef01234567', /malformed/],
    ['truncated', githubVector.slice(0, 40), /malformed/],
    ['wrong', `sha256=${'0'.repeat(64)}`, /does not match/],
  ])('rejects a %s signature with 401', async (_name, signature256, message) => {
    const result = await verifyGithubDelivery({ rawBody: body, signature256, secret });
    expect(result).toMatchObject({ ok: false, status: 401, message: expect.stringMatching(message) });
  });

  it('rejects a body changed after signing', async () => {
    const result = await verifyGithubDelivery({ rawBody: `${body} `, signature256: githubVector, secret });
    expect(result.ok).toBe(false);
  });

  it('throws with advice when the secret is not configured', async () => {
    await expect(
      verifyGithubDelivery({ rawBody: body, signature256: githubVector, secret: '' }),
    ).rejects.toThrow(/webhook secret is empty/);
  });
});

describe('verifyGitlabToken', () => {
  it('accepts the configured token', () => {
    expect(verifyGitlabToken({ token: 's3cret', secret: 's3cret' })).toEqual({ ok: true });
  });
  it.each([
    ['missing', undefined],
    ['wrong', 's3cret2'],
    ['a prefix', 's3cre'],
  ])('rejects a %s token with 401', (_name, token) => {
    expect(verifyGitlabToken({ token, secret: 's3cret' })).toMatchObject({ ok: false, status: 401 });
  });
});
