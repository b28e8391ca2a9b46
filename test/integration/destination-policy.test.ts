// The operator's destination policy against the real control plane: a dev app that writes into
// kube-system and binds itself cluster-admin fails the whole sync before anything is written;
// the same repository within the policy syncs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import { runSyncwave } from '../../scripts/demo/serve-process.ts';

let repo: GitWorkRepo;
let work: string;
let env: string;
let kubeconfig: string;
let context: string;

beforeAll(async () => {
  kubeconfig = process.env.KUBECONFIG ?? '';
  if (!kubeconfig) throw new Error('KUBECONFIG is not set: run through the integration project');
  context = (parse(await readFile(kubeconfig, 'utf8')) as { 'current-context': string })['current-context'];
  env = `pol${process.pid % 1000}`;
  work = await mkdtemp(join(tmpdir(), 'sw-policy-'));
  repo = await createWorkRepo({ dir: join(work, 'repo'), branches: ['develop'] });
  await repo.write(
    'syncwave.yaml',
    `environments:
  ${env}: { branch: develop, cluster: ${context} }
apps:
  - { name: web, path: apps/web, namespace: ${env}-web, wave: 0, syncPolicy: { syncOptions: [CreateNamespace=true] } }
  - { name: evil, path: apps/evil, namespace: ${env}-evil, wave: 1, syncPolicy: { syncOptions: [CreateNamespace=true] } }
`,
  );
  await repo.write(
    'apps/web/cm.yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\ndata: { a: "1" }\n',
  );
  await repo.write(
    'apps/evil/steal.yaml',
    `apiVersion: v1
kind: ConfigMap
metadata: { name: ${env}-planted, namespace: kube-system }
data: { a: "1" }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: evil }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ${env}-evil-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: ServiceAccount, name: evil, namespace: ${env}-evil }]
`,
  );
  await repo.commitAll('web, and an app that reaches outside');
  await writeFile(
    join(work, 'policy.yaml'),
    `environments:\n  ${env}:\n    namespaces: ["${env}-*"]\n    clusterResources: ["/Namespace"]\n`,
  );
});

afterAll(async () => {
  for (const ns of [`${env}-web`, `${env}-evil`])
    await kubectl(kubeconfig, ['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']).catch(
      () => {},
    );
  await kubectl(kubeconfig, [
    'delete',
    'configmap',
    `${env}-planted`,
    '-n',
    'kube-system',
    '--ignore-not-found',
  ]).catch(() => {});
  await kubectl(kubeconfig, [
    'delete',
    'clusterrolebinding',
    `${env}-evil-admin`,
    '--ignore-not-found',
  ]).catch(() => {});
  if (!process.env.SYNCWAVE_KEEP_TEST_DIRS) await rm(work, { recursive: true, force: true });
});

function sync(...args: string[]) {
  return runSyncwave(
    [
      'sync',
      '--repo',
      repo.dir,
      '--env',
      env,
      '--kubeconfig',
      kubeconfig,
      '--context',
      context,
      '--data-dir',
      join(work, 'data'),
      ...args,
    ],
    { env: { NO_COLOR: '1' } },
  );
}

async function exists(args: string[]): Promise<boolean> {
  const out = await kubectl(kubeconfig, ['get', ...args, '--ignore-not-found', '-o', 'name']);
  return out.trim() !== '';
}

describe('destination policy', () => {
  it('fails the sync before anything is written, naming each object outside the policy', async () => {
    const r = await sync('--policy', join(work, 'policy.yaml'));
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(1);
    expect(out).toContain(
      `ClusterRoleBinding/${env}-evil-admin: cluster-scoped kind rbac.authorization.k8s.io/ClusterRoleBinding is not allowed for environment ${env} by policy ${join(work, 'policy.yaml')}`,
    );
    expect(out).toContain(
      `ConfigMap/kube-system/${env}-planted: namespace kube-system is not allowed for environment ${env}`,
    );
    expect(await exists(['clusterrolebinding', `${env}-evil-admin`])).toBe(false);
    expect(await exists(['configmap', `${env}-planted`, '-n', 'kube-system'])).toBe(false);
    // Not even the app of the earlier wave, nor the namespaces: nothing was written.
    expect(await exists(['namespace', `${env}-web`])).toBe(false);
    expect(await exists(['namespace', `${env}-evil`])).toBe(false);
  });

  it('syncs what the policy allows', async () => {
    const r = await sync('--policy', join(work, 'policy.yaml'), '--app', 'web');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await exists(['configmap', 'web', '-n', `${env}-web`])).toBe(true);
  });

  it('refuses a policy file that cannot be read, before doing anything', async () => {
    const r = await sync('--policy', join(work, 'nope.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--policy .*nope\.yaml: cannot read it \(ENOENT\)/);
  });
});
