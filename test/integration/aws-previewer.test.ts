/**
 * The previewer identity (pull request previews on AWS) under exactly the RBAC and admission
 * policy a deployed stack gives it, on the real control plane: infra/eks-bootstrap-rbac.yaml
 * applied as is, the access entry's AmazonEKSViewPolicy as the `view` ClusterRole bound to the
 * group, and requests made by impersonating the group `syncwave:previewer`. RBAC lets it do what
 * a dry run needs; the ValidatingAdmissionPolicy denies every write that is not a dry run.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import type { KubeObject } from '../../engine/index.ts';
import { impersonatingAccess } from '../../harness/impersonating-access.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';
import {
  PREVIEWER_DENIED as DENIED,
  PREVIEWER_GROUP as GROUP,
  previewerPolicyInEffect,
  setUpPreviewerRbac,
  PREVIEWER_USER as USER,
} from '../support/previewer-identity.ts';

const kubeconfig = () => process.env.KUBECONFIG ?? '';

let e: EngineEnv;
let previewer: KubeCluster;

/** kubectl as the previewer (impersonation, as the admin kubeconfig may). */
const asPreviewer = (args: string[]) =>
  kubectl(kubeconfig(), [...args, `--as=${USER}`, `--as-group=${GROUP}`]);

const deploymentOf = async (app: string) => {
  const d = await e.cluster.get('apps/v1', 'Deployment', app, e.ns(app));
  if (!d) throw new Error(`Deployment/${e.ns(app)}/${app} is not there`);
  return d;
};

/**
 * What a write would change: uid, generation (bumped by every spec change) and the spec. Not the
 * resourceVersion: the Deployment controller keeps writing the status while the rollout settles.
 */
const specOf = (d: KubeObject) => ({ uid: d.metadata.uid, generation: d.metadata.generation, spec: d.spec });

const withImage = (d: KubeObject, image: string): KubeObject => {
  const spec = d.spec as { template: { spec: { containers: Array<{ name: string }> } } };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: d.metadata.name, namespace: d.metadata.namespace },
    spec: {
      template: { spec: { containers: [{ name: spec.template.spec.containers[0]!.name, image }] } },
    },
  } as KubeObject;
};

beforeAll(async () => {
  e = await engineEnv('prv');
  await setUpPreviewerRbac(kubeconfig(), join(e.repo.dir, '..'));
  const first = await e.push('first deploy');
  if (first.outcome !== 'succeeded') throw new Error(`first deploy: ${first.message}`);
  previewer = new KubeCluster(
    await impersonatingAccess({ kubeconfigPath: kubeconfig(), user: USER, groups: [GROUP] }),
  );
  await previewerPolicyInEffect(previewer, e.cluster, e.ns('frontend'));
}, 600_000);

afterAll(async () => {
  previewer?.close();
  for (const app of ['database', 'backend', 'frontend'])
    await kubectl(kubeconfig(), [
      'delete',
      'namespace',
      e.ns(app),
      '--ignore-not-found',
      '--wait=false',
    ]).catch(() => {});
});

describe('the previewer identity (dry-run only)', () => {
  it('a server-side dry-run apply is accepted and answers the changed object; the live one is untouched', async () => {
    const live = await deploymentOf('frontend');
    const answer = await previewer.apply(withImage(live, 'nginx:1.99-preview'), {
      fieldManager: 'previewer-test',
      dryRun: true,
      force: true,
    });
    const image = (answer.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template
      .spec.containers[0]!.image;
    expect(image).toBe('nginx:1.99-preview');
    expect(specOf(await deploymentOf('frontend'))).toEqual(specOf(live));
  });

  it('a real apply, create and delete are denied by the policy, and nothing changes', async () => {
    const live = await deploymentOf('frontend');
    await expect(
      previewer.apply(withImage(live, 'nginx:1.99-real'), {
        fieldManager: 'previewer-test',
        dryRun: false,
        force: true,
      }),
    ).rejects.toThrow(DENIED);
    await expect(
      previewer.apply(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${e.env}-made-by-preview` } } as KubeObject,
        { fieldManager: 'syncwave', dryRun: false, force: false },
      ),
    ).rejects.toThrow(DENIED);
    await expect(
      previewer.delete('apps/v1', 'Deployment', 'frontend', e.ns('frontend'), {
        propagationPolicy: 'Background',
      }),
    ).rejects.toThrow(DENIED);
    expect(specOf(await deploymentOf('frontend'))).toEqual(specOf(live));
    expect(await e.cluster.get('v1', 'Namespace', `${e.env}-made-by-preview`)).toBeUndefined();
  });

  it('a dry-run delete (prune preview) is accepted and deletes nothing', async () => {
    const live = await deploymentOf('frontend');
    const out = await asPreviewer([
      'delete',
      'deployment',
      'frontend',
      '-n',
      e.ns('frontend'),
      '--dry-run=server',
    ]);
    expect(out).toMatch(/deleted .*\(server dry run\)/);
    expect((await deploymentOf('frontend')).metadata.uid).toBe(live.metadata.uid);
  });

  it('cannot remove its own lock, impersonate, mint tokens or exec (RBAC, where admission policies do not reach)', async () => {
    await expect(
      asPreviewer([
        'delete',
        'validatingadmissionpolicybinding',
        'syncwave-previewer-dry-run-only',
        '--dry-run=server',
      ]),
    ).rejects.toThrow(/forbidden/i);
    await expect(
      asPreviewer(['delete', 'validatingadmissionpolicybinding', 'syncwave-previewer-dry-run-only']),
    ).rejects.toThrow(/forbidden/i);
    const { kubectl: bin } = await ensureTools();
    /** `kubectl auth can-i` as the previewer: exit 0 and "yes", or exit 1 and "no". */
    const can = (args: string[]) => {
      const res = spawnSync(bin, ['auth', 'can-i', ...args, `--as=${USER}`, `--as-group=${GROUP}`], {
        env: { ...process.env, KUBECONFIG: kubeconfig() },
        encoding: 'utf8',
      });
      if (res.status !== 0 && res.status !== 1) throw new Error(`kubectl auth can-i ${args}: ${res.stderr}`);
      return res.stdout.trim();
    };
    expect(can(['impersonate', 'serviceaccounts'])).toBe('no');
    expect(can(['impersonate', 'users'])).toBe('no');
    expect(can(['create', 'serviceaccounts', '--subresource=token', '-n', e.ns('frontend')])).toBe('no');
    expect(can(['create', 'pods', '--subresource=exec', '-n', e.ns('frontend')])).toBe('no');
    expect(can(['create', 'certificatesigningrequests'])).toBe('no');
    // ...while what a preview needs is allowed (authorization only: the policy decides the write).
    expect(can(['patch', 'deployments', '-n', e.ns('frontend')])).toBe('yes');
    expect(can(['get', 'secrets', '-n', e.ns('database')])).toBe('yes');
  });

  it('a preview job through the engine with the previewer identity produces its report and writes nothing', async () => {
    await e.repo.git('checkout', '-q', '-b', 'prv-bump', 'develop');
    await e.repo.write('apps/frontend/values-dev.yaml', 'replicaCount: 3\n');
    await e.repo.git('rm', '-q', 'apps/database/configmap.yaml');
    const head = await e.repo.commitAll('three replicas, drop the database ConfigMap');
    await e.repo.checkout('develop');
    const before = {
      frontend: await deploymentOf('frontend'),
      configMaps: await e.cluster.list('v1', 'ConfigMap', { namespace: e.ns('database') }),
    };
    e.deps.clusterFor = async () => previewer;
    const result = await e.run({
      reason: 'preview',
      revision: head,
      pullRequest: { provider: 'github', number: 7, headRef: 'prv-bump', fork: false },
    });
    expect(result.outcome, result.message).toBe('succeeded');
    const apps = result.preview?.apps ?? [];
    expect(apps.map((a) => [a.app, a.status]).sort()).toEqual([
      ['database', 'changes'],
      ['frontend', 'changes'],
    ]);
    const actions = (app: string) => {
      const found = apps.find((a) => a.app === app);
      return found && 'objects' in found ? found.objects.map((o) => `${o.action} ${o.object}`) : [];
    };
    expect(actions('frontend')).toEqual([`update Deployment/${e.ns('frontend')}/frontend`]);
    expect(actions('database')).toEqual([`prune ConfigMap/${e.ns('database')}/postgres-config`]);
    expect(specOf(await deploymentOf('frontend'))).toEqual(specOf(before.frontend));
    const configMaps = await e.cluster.list('v1', 'ConfigMap', { namespace: e.ns('database') });
    expect(configMaps.map((c) => [c.metadata.name, c.metadata.resourceVersion]).sort()).toEqual(
      before.configMaps.map((c) => [c.metadata.name, c.metadata.resourceVersion]).sort(),
    );
  });
});
