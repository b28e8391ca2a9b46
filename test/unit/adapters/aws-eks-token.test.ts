import { describe, expect, it } from 'vitest';
import { createEksToken, EKS_TOKEN_PREFIX } from '../../../adapters/aws/eks-token.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};
const now = new Date('2026-11-27T10:00:00Z');

function decode(token: string): URL {
  expect(token.startsWith(EKS_TOKEN_PREFIX)).toBe(true);
  const body = token.slice(EKS_TOKEN_PREFIX.length);
  expect(body).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  return new URL(Buffer.from(body, 'base64url').toString('utf8'));
}

describe('createEksToken', () => {
  it('presigns STS GetCallerIdentity with the cluster name as a signed header', async () => {
    const { token, expiresAt } = await createEksToken({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials,
      now,
    });
    const url = decode(token);
    const q = url.searchParams;

    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(q.get('Action')).toBe('GetCallerIdentity');
    expect(q.get('Version')).toBe('2011-06-15');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261127/eu-west-1/sts/aws4_request');
    expect(q.get('X-Amz-Date')).toBe('20261127T100000Z');
    expect(q.get('X-Amz-Expires')).toBe('60');
    expect(q.get('X-Amz-Security-Token')).toBe('session-token-example');
    expect(q.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(expiresAt.toISOString()).toBe('2026-11-27T10:15:00.000Z');
    expect(token.length).toBeLessThan(4096);
  });

  it('is deterministic for the same inputs and differs per cluster', async () => {
    const a = await createEksToken({ clusterName: 'prod', region: 'us-east-1', credentials, now });
    const b = await createEksToken({ clusterName: 'prod', region: 'us-east-1', credentials, now });
    const c = await createEksToken({ clusterName: 'dev', region: 'us-east-1', credentials, now });
    expect(a.token).toBe(b.token);
    expect(decode(c.token).searchParams.get('X-Amz-Signature')).not.toBe(
      decode(a.token).searchParams.get('X-Amz-Signature'),
    );
  });

  it('uses the China partition STS host in cn- regions', async () => {
    const { token } = await createEksToken({ clusterName: 'x', region: 'cn-north-1', credentials, now });
    expect(decode(token).host).toBe('sts.cn-north-1.amazonaws.com.cn');
  });

  it('accepts a credentials provider', async () => {
    const { token } = await createEksToken({
      clusterName: 'prod',
      region: 'us-east-1',
      credentials: async () => ({ accessKeyId: 'AKIDPROVIDER', secretAccessKey: 'secret' }),
      now,
    });
    expect(decode(token).searchParams.get('X-Amz-Credential')).toMatch(/^AKIDPROVIDER\//);
    expect(decode(token).searchParams.get('X-Amz-Security-Token')).toBeNull();
  });
});
