// EKS in Lambda reaches the API server with an endpoint, a CA and a bearer token, and no
// @kubernetes/client-node. The same path against the test control plane's admin token.
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { bearerTokenAccess } from '../../adapters/kube/kube-access.ts';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';

interface Kubeconfig {
  clusters: Array<{
    cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string };
  }>;
  users: Array<{ user: { token?: string } }>;
}

async function adminAccess(): Promise<{ server: string; caData: string; token: string }> {
  const kc = parse(await readFile(process.env.KUBECONFIG as string, 'utf8')) as Kubeconfig;
  const cluster = kc.clusters[0]?.cluster;
  const token = kc.users[0]?.user.token;
  if (!cluster || !token) throw new Error('the test kubeconfig has no cluster or token');
  const caData =
    cluster['certificate-authority-data'] ??
    (await readFile(cluster['certificate-authority'] as string)).toString('base64');
  return { server: cluster.server, caData, token };
}

it('applies and reads objects with only endpoint, CA and bearer token', async () => {
  const { server, caData, token } = await adminAccess();
  const cluster = { server };
  const kube = new KubeCluster(bearerTokenAccess({ name: 'test', server: cluster.server, caData, token }));
  const name = `access-${process.pid}`;
  await kube.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    { dryRun: false, force: false },
  );
  expect((await kube.get('v1', 'Namespace', name))?.metadata.name).toBe(name);
  const wrong = new KubeCluster(
    bearerTokenAccess({ name: 'test', server: cluster.server, caData, token: 'not-a-token' }),
  );
  await expect(wrong.get('v1', 'Namespace', name)).rejects.toMatchObject({ code: 'Unauthorized' });
});

/**
 * A token provider as EksAuth is one: tokens cached until invalidated. The API server's token
 * authenticator (its token file) knows only `valid`; whatever else the provider hands out first
 * is refused with 401, as EKS refuses a token past its 15 minutes.
 */
function provider(tokens: string[]) {
  const minted: string[] = [];
  const rejected: string[] = [];
  let current: string | undefined;
  return {
    minted,
    rejected,
    token: async () => {
      if (current === undefined) {
        current = tokens[Math.min(minted.length, tokens.length - 1)] as string;
        minted.push(current);
      }
      return current;
    },
    invalidate: async (token: string) => {
      rejected.push(token);
      if (token === current) current = undefined;
    },
  };
}

it('a refused token (401) is re-minted once and the request sent again, mid-job', async () => {
  const { server, caData, token } = await adminAccess();
  const tokens = provider([token, 'expired-token', token]);
  const kube = new KubeCluster(
    bearerTokenAccess({ name: 'test', server, caData, token: tokens.token, invalidate: tokens.invalidate }),
  );
  const name = `refresh-${process.pid}`;
  await kube.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    { dryRun: false, force: false },
  );
  expect(tokens.minted).toEqual([token]);
  // The token the provider holds goes stale while the job runs: the next write is refused once,
  // the provider mints again, and the same write goes through with the new token.
  await tokens.invalidate(token);
  tokens.rejected.length = 0;
  await kube.apply(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'after-refresh', namespace: name },
      data: { a: '1' },
    },
    { dryRun: false, force: false },
  );
  expect(tokens.minted).toEqual([token, 'expired-token', token]);
  expect(tokens.rejected).toEqual(['expired-token']);
  expect((await kube.get('v1', 'ConfigMap', 'after-refresh', name))?.data).toEqual({ a: '1' });
  await kube.delete('v1', 'Namespace', name, undefined, { propagationPolicy: 'Background' });
});

it('a token refused again after the re-mint fails Unauthorized after one more send, not a loop', async () => {
  const { server, caData } = await adminAccess();
  const tokens = provider(['bad-1', 'bad-2', 'bad-3']);
  const kube = new KubeCluster(
    bearerTokenAccess({ name: 'test', server, caData, token: tokens.token, invalidate: tokens.invalidate }),
  );
  await expect(kube.get('v1', 'Namespace', 'default')).rejects.toMatchObject({ code: 'Unauthorized' });
  expect(tokens.minted).toEqual(['bad-1', 'bad-2']);
  expect(tokens.rejected).toEqual(['bad-1', 'bad-2']);
});
