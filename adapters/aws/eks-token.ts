import { Sha256 } from '@aws-crypto/sha256-js';
import { formatUrl } from '@aws-sdk/util-format-url';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** EKS accepts a token for 15 minutes after it was signed (X-Amz-Expires is ignored). */
export const EKS_TOKEN_LIFETIME_MS = 15 * 60_000;

export interface CreateEksTokenOptions {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Signing time; now unless told (tests). */
  now?: Date;
}

export interface EksToken {
  token: string;
  /** When EKS stops accepting it. */
  expiresAt: Date;
}

function stsHost(region: string): string {
  return region.startsWith('cn-') ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

/**
 * A bearer token for an EKS cluster, as aws-iam-authenticator makes it: a presigned STS
 * GetCallerIdentity URL with the cluster name in the signed `x-k8s-aws-id` header, base64url encoded
 * without padding behind `k8s-aws-v1.`.
 */
export async function createEksToken(options: CreateEksTokenOptions): Promise<EksToken> {
  const now = options.now ?? new Date();
  const hostname = stsHost(options.region);
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: 'sts',
    sha256: Sha256,
    applyChecksum: false,
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: hostname, 'x-k8s-aws-id': options.clusterName },
  });
  const signed = await signer.presign(request, { expiresIn: 60, signingDate: now });
  const url = formatUrl(signed as HttpRequest);
  return {
    token: EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
    expiresAt: new Date(now.getTime() + EKS_TOKEN_LIFETIME_MS),
  };
}
