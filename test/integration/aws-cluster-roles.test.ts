/**
 * Per-environment cluster credentials (issue 8 item 3) against moto's STS on loopback: the sync
 * runtime assumes the environment's own role for its cluster, never another environment's role and
 * never its own identity when roles are configured.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEksToken } from '../../adapters/aws/eks-token.ts';
import { type AwsEmulator, startAwsEmulator } from '../../harness/aws-emulator.ts';
import { syncConfigFromEnv } from '../../lambdas/shared/sync-config.ts';
import { createSyncRuntime } from '../../lambdas/shared/sync-deps.ts';

let aws: AwsEmulator;
const saved = { ...process.env };
const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

beforeAll(async () => {
  aws = await startAwsEmulator();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: aws.region,
    AWS_ACCESS_KEY_ID: 'worker-own-key',
    AWS_SECRET_ACCESS_KEY: 'worker-own-secret',
  });
}, 60_000);

afterAll(async () => {
  process.env = saved;
  await aws?.stop();
});

function runtime(roles: Record<string, string> | undefined) {
  const config = syncConfigFromEnv({
    ...process.env,
    SYNCWAVE_ENVIRONMENTS: JSON.stringify([
      { name: 'dev', branch: 'develop', cluster: 'dev-cluster' },
      { name: 'prod', branch: 'main', cluster: 'prod-cluster' },
    ]),
    SYNCWAVE_QUEUE_URL: `${aws.endpoint}/123456789012/jobs.fifo`,
    SYNCWAVE_TABLE_NAME: 'state',
    SYNCWAVE_BUCKET_NAME: 'desired',
    SYNCWAVE_REPO: 'acme/gitops',
    ...(roles ? { SYNCWAVE_CLUSTER_ROLES: JSON.stringify(roles) } : {}),
  });
  return createSyncRuntime(config, { logger: new Logger({ logLevel: 'SILENT' }), service: 'worker' });
}

async function whoAmI(credentials: Parameters<typeof createEksToken>[0]['credentials']) {
  const sts = new STSClient({ endpoint: aws.endpoint, region: aws.region, credentials });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

describe('per-environment cluster credentials', () => {
  it("assumes each environment's own role (STS AssumeRole) and signs its EKS token with it", async () => {
    const rt = runtime({ dev: ROLE('syncwave-deployer-dev'), prod: ROLE('syncwave-deployer-prod') });
    const dev = rt.clusterCredentials('dev')!;
    const prod = rt.clusterCredentials('prod')!;
    expect(await whoAmI(dev)).toMatch(/:assumed-role\/syncwave-deployer-dev\/syncwave-worker-dev$/);
    expect(await whoAmI(prod)).toMatch(/:assumed-role\/syncwave-deployer-prod\/syncwave-worker-prod$/);

    // The EKS token of a dev job carries the dev session's key, not the worker's nor prod's.
    const devKey = (await dev()).accessKeyId;
    const prodKey = (await prod()).accessKeyId;
    expect(devKey).not.toBe('worker-own-key');
    expect(devKey).not.toBe(prodKey);
    const { token } = await createEksToken({
      clusterName: 'dev-cluster',
      region: aws.region,
      credentials: dev,
    });
    const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(new RegExp(`^${devKey}/`));
    expect(url.searchParams.get('X-Amz-Security-Token')).toBeTruthy();
  });

  it('refuses an environment without a role instead of using the function identity', () => {
    const rt = runtime({ dev: ROLE('syncwave-deployer-dev'), prod: ROLE('syncwave-deployer-prod') });
    expect(() => rt.clusterCredentials('staging')).toThrow(/no cluster role for environment staging/);
  });

  it('needs a role for every environment once roles are configured', () => {
    expect(() => runtime({ dev: ROLE('syncwave-deployer-dev') })).toThrow(
      /SYNCWAVE_CLUSTER_ROLES\.prod must be an IAM role ARN/,
    );
  });

  it('uses the function identity only when no roles are configured (kubeconfig or older stacks)', () => {
    expect(runtime(undefined).clusterCredentials('dev')).toBeUndefined();
  });
});
