// Legal YAML that trips naive readers (test/fixtures/argocd-style/tricky-yaml) and a Flux-style
// monorepo mapped by syncwave.yaml (test/fixtures/argocd-style/flux-monorepo), as a new user
// runs them: every object lands where Argo CD (or Flux) would put it, the Secret's values never
// reach the output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl, kubectlJson } from '../../scripts/demo/kubectl.ts';
import { type NewUserRepo, openNewUserRepo } from '../support/new-user-repo.ts';

let tricky: NewUserRepo;
let flux: NewUserRepo;
const CANARY = 'nu-canary-8f3a1c';

beforeAll(async () => {
  tricky = await openNewUserRepo('tricky-yaml', `nuty${process.pid % 1000}`);
  flux = await openNewUserRepo('flux-monorepo', `nufx${process.pid % 1000}`);
});

afterAll(async () => {
  await tricky.close();
  await flux.close();
});

describe('tricky but legal YAML', () => {
  it('syncs empty and comment-only documents, Lists, a CRD with its CRs, cluster-scoped objects and a stringData Secret', async () => {
    const outputs: string[] = [];
    const v = await tricky.sw('validate');
    outputs.push(v.stdout, v.stderr);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain('ok   default/widgets (9 objects)');
    const sync = await tricky.sw('sync', '--env', 'default', ...tricky.cluster(), '-o', 'json');
    outputs.push(sync.stdout, sync.stderr);
    expect(sync.code, sync.stderr).toBe(0);
    const ns = `${tricky.prefix}-widgets`;
    // The resource by its full name: other test files serve `widgets` in groups of their own, and
    // a bare `kubectl get widgets` may pick one of those (seen in a whole-suite run: no widgets).
    const widgets = await kubectl(tricky.kubeconfig, [
      'get',
      `widgets.${tricky.prefix}-example.com`,
      '-n',
      ns,
      '-o',
      'name',
    ]);
    expect(widgets.split('\n').sort()).toEqual([
      `widget.${tricky.prefix}-example.com/large`,
      `widget.${tricky.prefix}-example.com/small`,
    ]);
    // Namespaced objects without a namespace went to the destination namespace.
    const cms = await kubectl(tricky.kubeconfig, [
      'get',
      'configmaps,serviceaccounts',
      '-n',
      ns,
      '-o',
      'name',
    ]);
    for (const n of ['configmap/from-list', 'configmap/from-cm-list', 'serviceaccount/widget-runner'])
      expect(cms).toContain(n);
    await kubectl(tricky.kubeconfig, ['get', 'clusterrolebinding', `${tricky.prefix}-widget-reader`]);
    const secret = await kubectlJson<{ data: Record<string, string> }>(tricky.kubeconfig, [
      'get',
      'secret',
      'widget-credentials',
      '-n',
      ns,
    ]);
    expect(Buffer.from(secret.data.password ?? '', 'base64').toString()).toBe(CANARY);

    const clean = await tricky.sw('diff', '--env', 'default', ...tricky.cluster());
    outputs.push(clean.stdout, clean.stderr);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    // Changed by hand: the diff shows that the key changed, never a value.
    await kubectl(tricky.kubeconfig, [
      'patch',
      'secret',
      'widget-credentials',
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      '{"stringData":{"password":"changed-by-hand"}}',
    ]);
    const drift = await tricky.sw('diff', '--env', 'default', ...tricky.cluster());
    outputs.push(drift.stdout, drift.stderr);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('modified Secret/');
    const render = await tricky.sw('render', 'widgets');
    outputs.push(render.stdout, render.stderr);
    for (const out of outputs) {
      expect(out).not.toContain(CANARY);
      expect(out).not.toContain(Buffer.from(CANARY).toString('base64'));
      expect(out).not.toContain('changed-by-hand');
    }
  });
});

describe('a Flux-style monorepo mapped with syncwave.yaml', () => {
  it('both environments on main, each its overlay; validate, sync dev and prod, diff clean', async () => {
    const v = await flux.sw('validate');
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/syncwave.yaml at [0-9a-f]{7} is valid; 4 app\(s\) render/);
    for (const env of ['dev', 'prod']) {
      const sync = await flux.sw('sync', '--env', env, ...flux.cluster());
      expect(sync.code, sync.stderr).toBe(0);
    }
    const replicas = async (env: string) =>
      (
        await kubectlJson<{
          spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
        }>(flux.kubeconfig, ['get', 'deployment', 'podinfo', '-n', `${flux.prefix}-${env}-podinfo`])
      ).spec;
    expect((await replicas('dev')).replicas).toBe(1);
    expect((await replicas('prod')).replicas).toBe(3);
    expect((await replicas('prod')).template.spec.containers[0]?.image).toBe(
      'ghcr.io/stefanprodan/podinfo:6.7.1',
    );
    await kubectl(flux.kubeconfig, ['get', 'priorityclass', `${flux.prefix}-apps-high-prod`]);
    for (const env of ['dev', 'prod']) {
      const diff = await flux.sw('diff', '--env', env, ...flux.cluster());
      expect(diff.code, diff.stdout + diff.stderr).toBe(0);
    }
  });
});
