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

  now = new Date('2026-11-27T10:04:59Z');
  expect(await auth.token('prod')).toBe(access.token);
  now = new Date('2026-11-27T10:05:00Z');
  const second = await auth.token('prod');
  expect(second).not.toBe(access.token);
  // Signed at the time it was minted (X-Amz-Date): EKS counts its 15 minutes from there.
  expect(signedAt(second)).toBe('20261127T100500Z');

  const kc = await auth.kubeConfig('prod');
  expect(kc.getCurrentCluster()?.server).toBe(access.endpoint);
  expect(kc.getCurrentUser()?.token).toMatch(/^k8s-aws-v1\./);
});

const signedAt = (token: string) =>
  new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString()).searchParams.get(
    'X-Amz-Date',
  );

it('asks for a token before every request: one access serves a job longer than a token lives', async () => {
  let now = new Date('2026-11-27T10:00:00Z');
  const auth = new EksAuth({ client: eks, region: aws.region, now: () => now });
  const access = await auth.clusterAccess('prod');
  const authorization = async () => {
    const opts: { headers?: Record<string, string> } = {};
    await access.applyToHTTPSOptions(opts);
    return signedAt(String(opts.headers?.Authorization).replace(/^Bearer /, ''));
  };
  expect(await authorization()).toBe('20261127T100000Z');
  now = new Date('2026-11-27T10:03:00Z');
  expect(await authorization()).toBe('20261127T100000Z');
  // A job running on for 40 minutes never sends a token older than the reuse window (5 minutes).
  for (let minute = 6; minute <= 40; minute += 6) {
    now = new Date(Date.UTC(2026, 10, 27, 10, minute));
    const date = await authorization();
    const ageMs =
      now.getTime() -
      Date.parse(date!.replace(/(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/, '$1-$2-$3T$4:$5:$6Z'));
    expect(ageMs).toBeLessThan(5 * 60_000);
  }
});

it('says what to do for an unknown cluster', async () => {
  const auth = new EksAuth({ client: eks, region: aws.region });
  await expect(auth.access('nope')).rejects.toThrow();
});

it('invalidate drops a refused token once: requests refused together cause one re-mint', async () => {
  let now = new Date('2026-11-27T10:00:00Z');
  const auth = new EksAuth({ client: eks, region: aws.region, now: () => now });
  const first = await auth.token('prod');
  await auth.invalidate('prod', 'some-other-token');
  expect(await auth.token('prod')).toBe(first);

  now = new Date('2026-11-27T10:01:00Z');
  await Promise.all(Array.from({ length: 8 }, () => auth.invalidate('prod', first)));
  const second = await auth.token('prod');
  expect(second).not.toBe(first);
  expect(signedAt(second)).toBe('20261127T100100Z');
  // A late refusal of the old token leaves the new one in place.
  now = new Date('2026-11-27T10:02:00Z');
  await auth.invalidate('prod', first);
  expect(await auth.token('prod')).toBe(second);
});

it('the access of clusterAccess hands a refused token back and gets a re-minted one', async () => {
  let now = new Date('2026-11-27T10:00:00Z');
  const auth = new EksAuth({ client: eks, region: aws.region, now: () => now });
  const access = await auth.clusterAccess('prod');
  const opts: { headers?: Record<string, string> } = {};
  await access.applyToHTTPSOptions(opts);
  const refused = String(opts.headers?.Authorization);
  expect(signedAt(refused.replace(/^Bearer /, ''))).toBe('20261127T100000Z');
  now = new Date('2026-11-27T10:00:30Z');
  expect(await access.refreshCredentials?.(refused)).toBe(true);
  await access.applyToHTTPSOptions(opts);
  expect(signedAt(String(opts.headers?.Authorization).replace(/^Bearer /, ''))).toBe('20261127T100030Z');
});
