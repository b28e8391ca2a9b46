/**
 * The worker and drift identities under exactly the RBAC a deployed stack gives them, on the real
 * control plane: infra/eks-bootstrap-rbac.yaml applied as is, and the EKS access policies as the
 * Kubernetes roles they stand for (AmazonEKSAdminPolicy at cluster scope = ClusterRole `admin`,
 * AmazonEKSViewPolicy = `view`, bound to the access entries' groups). Requests are made by
 * impersonating those groups, so a missing permission fails here as it would on EKS.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { checkDrift, type Environment } from '../../engine/index.ts';
import { impersonatingAccess } from '../../harness/impersonating-access.ts';
import { applyBootstrapRbac } from '../support/apply-bootstrap-rbac.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

const RBAC = new URL('../../infra/eks-bootstrap-rbac.yaml', import.meta.url).pathname;
let e: EngineEnv;
let env: Environment;
let deployer: KubeCluster;
let observer: KubeCluster;
/** The view policy alone, without the bootstrap's observer role: cannot read Secrets. */
let viewOnly: KubeCluster;

/** What EKS's access policies grant, as ClusterRoleBindings of the groups to the built-in roles. */
const EKS_POLICY_BINDINGS = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: test-eks-admin-policy-syncwave-deployer }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: "syncwave:deployer" }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: test-eks-view-policy-syncwave-observer }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: "syncwave:observer" }
  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: "test:view-policy-only" }
`;

const kubectlApply = (file: string) => applyBootstrapRbac(process.env.KUBECONFIG ?? '', file);

const as = async (user: string, groups: string[]) =>
  new KubeCluster(await impersonatingAccess({ kubeconfigPath: process.env.KUBECONFIG!, user, groups }));

beforeAll(async () => {
  e = await engineEnv('rbac');
  await kubectlApply(RBAC);
  const bindings = join(e.repo.dir, '..', 'eks-policy-bindings.yaml');
  await writeFile(bindings, EKS_POLICY_BINDINGS);
  await kubectlApply(bindings);
  deployer = await as('arn:aws:sts::123456789012:assumed-role/deployer-dev/syncwave-worker-dev', [
    'syncwave:deployer',
  ]);
  observer = await as('arn:aws:sts::123456789012:assumed-role/observer-dev/syncwave-drift-dev', [
    'syncwave:observer',
  ]);
  viewOnly = await as('view-policy-only', ['test:view-policy-only']);
  env = { name: e.env, branch: 'develop', cluster: 'test', namespacePrefix: `${e.ns('x').slice(0, -2)}-` };
  // The database app manages a Secret, as real apps do.
  await writeFile(
    join(e.repo.dir, 'apps/database/secret.yaml'),
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: postgres-auth\nstringData:\n  password: rbac-test-not-a-secret\n',
  );
}, 600_000);

afterAll(() => {
  for (const c of [deployer, observer, viewOnly]) c?.close();
});

describe('the identities a deployed stack has', () => {
  it('the deployer (admin policy + bootstrap, no escalate/bind) syncs every app, Namespaces and a Secret included', async () => {
    e.deps.clusterFor = async () => deployer;
    const result = await e.push('a Secret in the database app');
    expect(result.outcome, JSON.stringify(result.apps.map((a) => [a.app, a.phase, a.message]))).toBe(
      'succeeded',
    );
    expect(result.apps.map((a) => a.phase)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    const secret = await e.cluster.get('v1', 'Secret', 'postgres-auth', e.ns('database'));
    expect(secret?.metadata.name).toBe('postgres-auth');
  });

  it('the deployer cannot grant itself cluster-admin', async () => {
    await expect(
      deployer.apply(
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: `${e.env}-self-admin` },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'syncwave:deployer' }],
        },
        { fieldManager: 'syncwave', dryRun: false, force: false },
      ),
    ).rejects.toThrow(/forbidden|403/i);
  });

  it('a drift pass with the observer identity reads every object, the Secret included', async () => {
    const report = await checkDrift(env, { ...e.deps, clusterFor: async () => observer }, { repo: 'x' });
    expect(report.unknown).toEqual([]);
    expect(report.outOfSync).toEqual([]);
    expect((await e.state.getApp(e.env, 'database'))?.syncStatus).toBe('Synced');
  });

  it('an identity that cannot read Secrets leaves the app Unknown with the 403, then a good pass clears it', async () => {
    const report = await checkDrift(env, { ...e.deps, clusterFor: async () => viewOnly }, { repo: 'x' });
    expect(report.unknown.map((u) => u.app)).toEqual(['database']);
    expect(report.unknown[0]!.reason).toMatch(/Secret/);
    expect(report.unknown[0]!.reason).toMatch(/forbidden|403/i);
    const state = await e.state.getApp(e.env, 'database');
    expect(state?.syncStatus).toBe('Unknown');
    expect(state?.comparisonError).toBe(report.unknown[0]!.reason);
    // Apps without Secrets are still checked.
    expect((await e.state.getApp(e.env, 'backend'))?.syncStatus).toBe('Synced');

    await checkDrift(env, { ...e.deps, clusterFor: async () => observer }, { repo: 'x' });
    const healed = await e.state.getApp(e.env, 'database');
    expect(healed?.syncStatus).toBe('Synced');
    expect(healed?.comparisonError).toBeUndefined();
  });
});
