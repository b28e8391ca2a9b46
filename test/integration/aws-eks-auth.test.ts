/** EksAuth against moto's EKS (DescribeCluster) on loopback; the token is checked by shape only. */
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EksAuth } from '../../adapters/aws/eks-auth.ts';
import { type AwsEmulator, startAwsEmulator } from '../../harness/aws-emulator.ts';

let aws: AwsEmulator;
let eks: EKSClient;

beforeAll(async () => {
  aws = await startAwsEmulator();
  eks = new EKSClient(aws.clientConfig);
  await eks.send(
    new CreateClusterCommand({
      name: 'prod',
      roleArn: 'arn:aws:iam::123456789012:role/eks',
      resourcesVpcConfig: { subnetIds: ['subnet-1'] },
    }),
  );
}, 60_000);

afterAll(async () => {
  eks?.destroy();
  await aws?.stop();
});

it('builds a KubeConfig from DescribeCluster and a cached token', async () => {
  let now = new Date('2026-11-27T10:00:00Z');
  const auth = new EksAuth({ client: eks, region: aws.region, now: () => now });
  const access = await auth.access('prod');
  expect(access.endpoint).toMatch(/^https:\/\//);
  expect(access.caData.length).toBeGreaterThan(0);
  expect(access.token).toMatch(/^k8s-aws-v1\./);

  now = new Date('2026-11-27T10:09:00Z');
  expect(await auth.token('prod')).toBe(access.token);
  now = new Date('2026-11-27T10:11:00Z');
  expect(await auth.token('prod')).not.toBe(access.token);

  const kc = await auth.kubeConfig('prod');
  expect(kc.getCurrentCluster()?.server).toBe(access.endpoint);
  expect(kc.getCurrentUser()?.token).toMatch(/^k8s-aws-v1\./);
});

it('says what to do for an unknown cluster', async () => {
  const auth = new EksAuth({ client: eks, region: aws.region });
  await expect(auth.access('nope')).rejects.toThrow();
});
