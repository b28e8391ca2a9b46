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

it('applies and reads objects with only endpoint, CA and bearer token', async () => {
  const kc = parse(await readFile(process.env.KUBECONFIG as string, 'utf8')) as Kubeconfig;
  const cluster = kc.clusters[0]?.cluster;
  const token = kc.users[0]?.user.token;
  if (!cluster || !token) throw new Error('the test kubeconfig has no cluster or token');
  const caData =
    cluster['certificate-authority-data'] ??
    (await readFile(cluster['certificate-authority'] as string)).toString('base64');
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
