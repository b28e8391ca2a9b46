// Argo CD's sync options with their real effect on the control plane: Replace=true (PUT, not
// server-side apply), Validate=false (unknown fields dropped, else refused), SkipDryRunOnMissingResource
// (a custom resource whose CRD comes from elsewhere during the sync), RespectIgnoreDifferences
// (ignored fields keep their live values), Delete=false (never pruned) and compare-options
// IgnoreExtraneous (a kept object does not make the app OutOfSync).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { KubeObject } from '../../engine/index.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

function app(name: string, options: string[] = [], extra = ''): string {
  return `  - name: ${name}
    path: opts/${name}
    namespace: ${name}
    syncPolicy: { automated: { prune: true }, syncOptions: [CreateNamespace=true${options.map((o) => `, ${o}`).join('')}] }
${extra}`;
}

function configMap(name: string, data: Record<string, string>, annotations?: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    data,
  };
}

function deployment(name: string, image: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
    },
  };
}

const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.shapes.example.com' },
  spec: {
    group: 'shapes.example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
          },
        },
      },
    ],
  },
};

const GADGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.late.example.com' },
  spec: {
    group: 'late.example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

describe('sync options', () => {
  let t: EngineEnv;
  const write = (path: string, ...docs: object[]) =>
    t.repo.write(path, docs.map((d) => stringify(d)).join('---\n'));
  const apply = (obj: KubeObject, fieldManager: string) =>
    t.cluster.apply(obj, { dryRun: false, force: true, fieldManager });

  beforeAll(async () => {
    t = await engineEnv('syncopts');
    const config = await readFile(join(t.repo.dir, 'syncwave.yaml'), 'utf8');
    await t.repo.write(
      'syncwave.yaml',
      `${config.slice(0, config.indexOf('apps:'))}apps:
${app('replaced', ['Replace=true'])}${app('strict')}${app('lenient', ['Validate=false'])}${app('crdlater')}${app(
  'respect',
  ['RespectIgnoreDifferences=true'],
  '    ignoreDifferences: [{ group: apps, kind: Deployment, jsonPointers: [/spec/replicas] }]\n',
)}${app('plain', [], '    ignoreDifferences: [{ group: apps, kind: Deployment, jsonPointers: [/spec/replicas] }]\n')}${app('kept')}`,
    );
    await write(
      'opts/replaced/settings.yaml',
      configMap('settings', { a: '1' }),
      configMap('fresh', { c: '3' }),
    );
    // A field the kind's schema does not declare (server-side apply refuses them on built-in kinds whatever the validation)
    const badField = {
      apiVersion: 'shapes.example.com/v1',
      kind: 'Widget',
      metadata: { name: 'odd' },
      spec: { size: 1, colour: 'red' },
    };
    await write('opts/strict/odd.yaml', badField);
    await write('opts/lenient/odd.yaml', badField);
    await apply(WIDGET_CRD as KubeObject, 'platform-team');
    await until(async () =>
      Boolean(await t.cluster.kindInfo('shapes.example.com/v1', 'Widget', { refresh: true })),
    );
    await write(
      'opts/crdlater/objects.yaml',
      {
        ...deployment('slow', 'example/slow:1'),
        spec: { ...deployment('slow', 'x').spec, minReadySeconds: 8 },
      },
      {
        apiVersion: 'late.example.com/v1',
        kind: 'Gadget',
        metadata: {
          name: 'g1',
          annotations: {
            'argocd.argoproj.io/sync-wave': '1',
            'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
          },
        },
        spec: { size: 3 },
      },
    );
    await write('opts/respect/web.yaml', deployment('web', 'example/web:1'));
    await write('opts/plain/web.yaml', deployment('web', 'example/web:1'));
    await write(
      'opts/kept/objects.yaml',
      configMap('deletable', { a: '1' }),
      configMap('protected', { a: '1' }, { 'argocd.argoproj.io/sync-options': 'Delete=false' }),
    );
    // Made by hand before syncwave: another field manager owns data.a and data.b, and a label.
    await t.cluster.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: t.ns('replaced') } },
      {
        dryRun: false,
        force: true,
      },
    );
    await apply(
      {
        ...configMap('settings', { a: '0', b: '2' }),
        metadata: { name: 'settings', namespace: t.ns('replaced'), labels: { 'made-by': 'hand' } },
      },
      'kubectl-edit',
    );
  });

  it('first sync: Replace writes with PUT, Strict validation refuses an unknown field, Validate=false drops it', async () => {
    const before = await t.cluster.get('v1', 'ConfigMap', 'settings', t.ns('replaced'));
    // The Gadget CRD arrives from elsewhere while wave 0 (a Deployment held by minReadySeconds) is waited on.
    const sync = t.push('sync options');
    await until(async () => Boolean(await t.cluster.get('apps/v1', 'Deployment', 'slow', t.ns('crdlater'))));
    await apply(GADGET_CRD as KubeObject, 'operator');
    const result = await sync;
    const byApp = new Map(result.apps.map((a) => [a.app, a]));

    // Replace=true: the object is exactly Git's (the hand-made label and key gone), same object, written by PUT
    expect(byApp.get('replaced')?.phase, byApp.get('replaced')?.message).toBe('Succeeded');
    const settings = await t.cluster.get('v1', 'ConfigMap', 'settings', t.ns('replaced'));
    expect(settings?.data).toEqual({ a: '1' });
    expect(settings?.metadata.labels?.['made-by']).toBeUndefined();
    expect(settings?.metadata.uid).toBe(before?.metadata.uid);
    const managers = (settings?.metadata.managedFields ?? []) as Array<{
      manager: string;
      operation: string;
    }>;
    expect(managers.find((m) => m.manager === 'syncwave')?.operation).toBe('Update');
    expect((await t.cluster.get('v1', 'ConfigMap', 'fresh', t.ns('replaced')))?.data).toEqual({ c: '3' });

    // Validate (default): the API server refuses the unknown field before anything is applied
    expect(byApp.get('strict')?.phase).toBe('Failed');
    expect(byApp.get('strict')?.message).toMatch(/colour/);
    expect(await t.cluster.get('shapes.example.com/v1', 'Widget', 'odd', t.ns('strict'))).toBeUndefined();
    // Validate=false: applied, the unknown field dropped
    expect(byApp.get('lenient')?.phase, byApp.get('lenient')?.message).toBe('Succeeded');
    const odd = await t.cluster.get('shapes.example.com/v1', 'Widget', 'odd', t.ns('lenient'));
    expect(odd?.spec).toEqual({ size: 1 });

    // SkipDryRunOnMissingResource=true: not refused at the dry run; applied in wave 1 once served
    expect(byApp.get('crdlater')?.phase, byApp.get('crdlater')?.message).toBe('Succeeded');
    const gadget = await t.cluster.get('late.example.com/v1', 'Gadget', 'g1', t.ns('crdlater'));
    expect(gadget?.spec).toEqual({ size: 3 });
  });

  it('without SkipDryRunOnMissingResource a custom resource of an unknown kind fails the sync before anything is written', async () => {
    await write('opts/strict/odd.yaml', configMap('odd', { a: '1' }), {
      apiVersion: 'nowhere.example.com/v1',
      kind: 'Thing',
      metadata: { name: 't1' },
      spec: {},
    });
    const result = await t.push('a kind nothing serves');
    const strict = result.apps.find((a) => a.app === 'strict');
    expect(strict?.phase).toBe('Failed');
    expect(strict?.message).toMatch(
      /Thing.*does not serve kind Thing.*set SkipDryRunOnMissingResource=true if something else installs it/,
    );
    expect(await t.cluster.get('v1', 'ConfigMap', 'odd', t.ns('strict'))).toBeUndefined();
    await write('opts/strict/odd.yaml', configMap('odd', { a: '1' }));
  });

  it('RespectIgnoreDifferences keeps an ignored field at its live value when the object is written', async () => {
    for (const name of ['respect', 'plain'])
      await apply(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: t.ns(name) },
          spec: { replicas: 4 },
        } as KubeObject,
        'hpa-controller',
      );
    await write('opts/respect/web.yaml', deployment('web', 'example/web:2'));
    await write('opts/plain/web.yaml', deployment('web', 'example/web:2'));
    const result = await t.push('web 2');
    expect(result.outcome, result.message).toBe('succeeded');
    const respect = await t.cluster.get('apps/v1', 'Deployment', 'web', t.ns('respect'));
    const plain = await t.cluster.get('apps/v1', 'Deployment', 'web', t.ns('plain'));
    expect(respect?.spec).toMatchObject({
      replicas: 4,
      template: { spec: { containers: [{ image: 'example/web:2' }] } },
    });
    expect(plain?.spec).toMatchObject({
      replicas: 1,
      template: { spec: { containers: [{ image: 'example/web:2' }] } },
    });
  });

  it('Delete=false keeps an object Git drops; IgnoreExtraneous keeps the app Synced', async () => {
    await write('opts/kept/objects.yaml', configMap('other', { a: '1' }));
    const first = await t.push('drop both');
    expect(first.outcome, first.message).toBe('succeeded');
    // pruned with foreground propagation: gone once the garbage collector has finished it
    await until(async () => !(await t.cluster.get('v1', 'ConfigMap', 'deletable', t.ns('kept'))));
    expect(await t.cluster.get('v1', 'ConfigMap', 'protected', t.ns('kept'))).toBeDefined();
    expect((await t.state.getApp(t.env, 'kept'))?.syncStatus).toBe('OutOfSync');

    await apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'protected',
          namespace: t.ns('kept'),
          annotations: { 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' },
        },
      } as KubeObject,
      'kubectl-annotate',
    );
    await write('opts/kept/objects.yaml', configMap('other', { a: '2' }));
    const second = await t.push('other changed');
    expect(second.outcome, second.message).toBe('succeeded');
    expect(await t.cluster.get('v1', 'ConfigMap', 'protected', t.ns('kept'))).toBeDefined();
    expect((await t.state.getApp(t.env, 'kept'))?.syncStatus).toBe('Synced');
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting');
}
