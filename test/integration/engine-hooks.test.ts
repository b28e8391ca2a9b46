import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

const job = (
  name: string,
  hook: string,
  opts: { policy?: string; image?: string; wave?: number } = {},
) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  annotations:
    argocd.argoproj.io/hook: ${hook}
${opts.policy ? `    argocd.argoproj.io/hook-delete-policy: ${opts.policy}\n` : ''}${opts.wave !== undefined ? `    argocd.argoproj.io/sync-wave: "${opts.wave}"\n` : ''}spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - { name: run, image: ${opts.image ?? 'busybox:1.36'}, command: ["true"] }
`;

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.demo.syncwave.io }
spec:
  group: demo.syncwave.io
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { x-kubernetes-int-or-string: true }
                extra: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;

describe('hooks and custom resources', () => {
  let t: EngineEnv;

  beforeAll(async () => {
    t = await engineEnv('hooks');
    expect((await t.push('first deploy')).outcome).toBe('succeeded');
  });

  it('runs PreSync before the app and PostSync after it is healthy; HookSucceeded hooks are deleted', async () => {
    await t.repo.write(
      'apps/backend/base/migrate.yaml',
      job('migrate', 'PreSync', { policy: 'HookSucceeded' }),
    );
    await t.repo.write('apps/backend/base/smoke.yaml', job('smoke', 'PostSync'));
    const kustomization = await t.repo.git('show', 'HEAD:apps/backend/base/kustomization.yaml');
    await t.repo.write(
      'apps/backend/base/kustomization.yaml',
      kustomization.replace('resources:\n', 'resources:\n  - migrate.yaml\n  - smoke.yaml\n'),
    );
    const result = await t.push('add hooks');
    expect(result.outcome, result.message).toBe('succeeded');
    const backend = result.apps.find((a) => a.app === 'backend');
    const order = backend?.resources.map((r) => `${r.phase}:${r.kind}/${r.name}`) ?? [];
    expect(order[0]).toBe('PreSync:Job/migrate');
    expect(order.at(-1)).toBe('PostSync:Job/smoke');
    expect(backend?.resources.find((r) => r.name === 'migrate')?.outcome).toBe('created');
    expect(await t.cluster.get('batch/v1', 'Job', 'migrate', t.ns('backend'))).toBeUndefined();
    const smoke = await t.cluster.get('batch/v1', 'Job', 'smoke', t.ns('backend'));
    expect((smoke?.status as { succeeded?: number })?.succeeded).toBe(1);
    // hooks are not part of the inventory: nothing to prune when they leave Git
    const state = await t.state.getApp(t.env, 'backend');
    expect(state?.inventory.some((e) => e.kind === 'Job')).toBe(false);
  });

  it('a failing PreSync hook stops the sync before anything else is applied', async () => {
    await t.repo.write(
      'apps/backend/base/migrate.yaml',
      job('migrate', 'PreSync', { image: 'ghcr.io/example/doesnotexist:1' }),
    );
    await t.repo.write(
      'apps/backend/base/configmap-extra.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: extra }\ndata: { a: "1" }\n',
    );
    const kustomization = await t.repo.git('show', 'HEAD:apps/backend/base/kustomization.yaml');
    await t.repo.write(
      'apps/backend/base/kustomization.yaml',
      kustomization.replace('resources:\n', 'resources:\n  - configmap-extra.yaml\n'),
    );
    const result = await t.push('broken migration');
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/PreSync wave 0/);
    expect(result.message).toMatch(/Job\/.*migrate/);
    expect(await t.cluster.get('v1', 'ConfigMap', 'extra', t.ns('backend'))).toBeUndefined();
    await rm(join(t.repo.dir, 'apps/backend/base/configmap-extra.yaml'));
    await t.repo.write('apps/backend/base/kustomization.yaml', kustomization);
    await t.repo.write(
      'apps/backend/base/migrate.yaml',
      job('migrate', 'PreSync', { policy: 'HookSucceeded' }),
    );
    expect((await t.push('fixed migration')).outcome).toBe('succeeded');
  });

  it('a hook never deletes an object its app does not own: the sync fails naming it, the object stays', async () => {
    await t.cluster.apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'handmade', namespace: t.ns('backend') },
        data: { owner: 'a person' },
      },
      { dryRun: false, force: false, fieldManager: 'kubectl' },
    );
    await t.repo.write(
      'apps/backend/base/handmade.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: handmade\n  annotations: { argocd.argoproj.io/hook: PreSync }\ndata: { owner: hook }\n',
    );
    const kustomization = await t.repo.git('show', 'HEAD:apps/backend/base/kustomization.yaml');
    await t.repo.write(
      'apps/backend/base/kustomization.yaml',
      kustomization.replace('resources:\n', 'resources:\n  - handmade.yaml\n'),
    );
    const result = await t.push('a hook named like a hand-made object');
    expect(result.outcome).toBe('failed');
    expect(result.message).toContain(
      `ConfigMap/${t.ns('backend')}/handmade: exists and is not owned by this app`,
    );
    const live = await t.cluster.get('v1', 'ConfigMap', 'handmade', t.ns('backend'));
    expect(live?.data).toEqual({ owner: 'a person' });
    await rm(join(t.repo.dir, 'apps/backend/base/handmade.yaml'));
    await t.repo.write('apps/backend/base/kustomization.yaml', kustomization);
    expect((await t.push('hook removed')).outcome).toBe('succeeded');
  });

  it('applies a new CRD and waits until it is established before its custom resources, keeping schema extensions intact', async () => {
    await t.repo.write('apps/database/crd.yaml', crd);
    await t.repo.write(
      'apps/database/widget.yaml',
      'apiVersion: demo.syncwave.io/v1\nkind: Widget\nmetadata: { name: main }\nspec: { size: "10Gi", extra: { anything: [1, 2] } }\n',
    );
    const result = await t.push('add a CRD and a widget');
    expect(result.outcome, result.message).toBe('succeeded');
    const live = await t.cluster.get(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      'widgets.demo.syncwave.io',
    );
    const props = (
      live!.spec as {
        versions: Array<{
          schema: {
            openAPIV3Schema: {
              properties: { spec: { properties: Record<string, Record<string, unknown>> } };
            };
          };
        }>;
      }
    ).versions[0]?.schema.openAPIV3Schema.properties.spec.properties;
    expect(props?.size).toEqual({ 'x-kubernetes-int-or-string': true });
    expect(props?.extra).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    const widget = await t.cluster.get('demo.syncwave.io/v1', 'Widget', 'main', t.ns('database'));
    expect(widget?.spec).toEqual({ size: '10Gi', extra: { anything: [1, 2] } });
  });
});
