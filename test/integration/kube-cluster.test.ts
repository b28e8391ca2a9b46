// KubeCluster against the real API server of test/global-setup.ts: raw JSON survives, server-side
// apply (dry-run, conflicts, force), delete propagation, discovery of fresh CRDs, error codes.

import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterError, isClusterError } from '../../adapters/kube/errors.ts';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { KubeHttp } from '../../adapters/kube/kube-http.ts';
import type { KubeObject } from '../../engine/model.ts';

const APPLY = { dryRun: false, force: false } as const;
const run = randomBytes(3).toString('hex');

async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function deployment(namespace: string, name: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }] }],
        },
      },
    },
  };
}

function configMap(namespace: string, name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { run } }, data };
}

describe('KubeCluster', () => {
  let cluster: KubeCluster;
  const namespaces: string[] = [];

  async function newNamespace(label: string): Promise<string> {
    const name = `sw-kube-${label}-${run}`;
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, APPLY);
    namespaces.push(name);
    return name;
  }

  beforeAll(async () => {
    cluster = await KubeCluster.fromKubeconfig({ kubeconfigPath: inject('kubeconfig') });
  });

  afterAll(async () => {
    for (const name of namespaces)
      await cluster.delete('v1', 'Namespace', name, undefined, { propagationPolicy: 'Background' });
    cluster.close();
  });

  it('applies a CRD with x-kubernetes-int-or-string and preserve-unknown-fields and reads it back intact', async () => {
    // Prepare
    const group = `t${run}.syncwave.test`;
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            port: { 'x-kubernetes-int-or-string': true },
            settings: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
    };
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
      },
    };

    // Act
    await cluster.apply(crd, APPLY);
    const live = await cluster.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `widgets.${group}`);

    // Assess
    const spec = live?.spec as { versions: Array<{ schema: { openAPIV3Schema: unknown } }> } | undefined;
    const versions = spec?.versions ?? [];
    expect(versions[0]?.schema.openAPIV3Schema).toEqual(schema);

    // A kind that did not exist a moment ago is found after a refresh; its objects keep unknown fields.
    const info = await waitUntil('Widget in discovery', () =>
      cluster.kindInfo(`${group}/v1`, 'Widget', { refresh: true }),
    );
    expect(info).toEqual({ namespaced: true, resource: 'widgets' });
    const namespace = await newNamespace('crd');
    const widget: KubeObject = {
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'w', namespace },
      spec: {
        port: 'http',
        settings: { nested: { list: [1, 'two', { three: true }], empty: {} }, ratio: 0.5 },
      },
    };
    await waitUntil('Widget accepted', async () => {
      try {
        return await cluster.apply(widget, APPLY);
      } catch (error) {
        if (isClusterError(error, 'NotFound')) return undefined;
        throw error;
      }
    });
    await cluster.apply({ ...widget, metadata: { name: 'w2', namespace }, spec: { port: 8080 } }, APPLY);
    expect((await cluster.get(`${group}/v1`, 'Widget', 'w', namespace))?.spec).toEqual(widget.spec);
    expect((await cluster.get(`${group}/v1`, 'Widget', 'w2', namespace))?.spec).toEqual({ port: 8080 });

    await cluster.delete(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      `widgets.${group}`,
      undefined,
      {
        propagationPolicy: 'Background',
      },
    );
  });

  it('keeps every field of a built-in object as sent (int-or-string ports, newer fields)', async () => {
    const namespace = await newNamespace('raw');
    const service: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace, annotations: { 'example.com/x': 'y' } },
      spec: {
        selector: { app: 'web' },
        ports: [
          { name: 'http', port: 80, targetPort: 'http' },
          { name: 'admin', port: 9000, targetPort: 9001 },
        ],
        trafficDistribution: 'PreferClose',
        sessionAffinity: 'ClientIP',
      },
    };

    const applied = await cluster.apply(service, APPLY);
    const live = await cluster.get('v1', 'Service', 'web', namespace);

    expect(applied.metadata.uid).toBeDefined();
    expect(live?.spec).toMatchObject(service.spec as object);
    expect(live?.metadata.annotations).toEqual({ 'example.com/x': 'y' });
  });

  it('creates with server-side apply, then a dry-run of the same object changes nothing', async () => {
    const namespace = await newNamespace('ssa');
    const created = await cluster.apply(configMap(namespace, 'settings', { a: '1' }), APPLY);

    const same = await cluster.apply(configMap(namespace, 'settings', { a: '1' }), {
      dryRun: true,
      force: false,
    });
    const changed = await cluster.apply(configMap(namespace, 'settings', { a: '2' }), {
      dryRun: true,
      force: false,
    });
    const live = await cluster.get('v1', 'ConfigMap', 'settings', namespace);

    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(changed.data).toEqual({ a: '2' });
    expect(live?.data).toEqual({ a: '1' });
    expect(live?.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const dryCreate = await cluster.apply(configMap(namespace, 'never', { a: '1' }), {
      dryRun: true,
      force: false,
    });
    expect(dryCreate.metadata.name).toBe('never');
    expect(await cluster.get('v1', 'ConfigMap', 'never', namespace)).toBeUndefined();
  });

  it('reports a Conflict naming the other applier and field, and takes the field with force', async () => {
    const namespace = await newNamespace('conflict');
    await cluster.apply(deployment(namespace, 'web', 1), APPLY);
    await cluster.apply(
      { ...deployment(namespace, 'web', 3), spec: { replicas: 3 } },
      { dryRun: false, force: true, fieldManager: 'someone-else' },
    );

    const refused = await cluster
      .apply(deployment(namespace, 'web', 2), APPLY)
      .catch((error: unknown) => error);

    expect(isClusterError(refused, 'Conflict')).toBe(true);
    expect(refused).toMatchObject({
      status: 409,
      object: `Deployment/${namespace}/web`,
      conflicts: [{ manager: 'someone-else', field: '.spec.replicas' }],
    });
    expect((refused as Error).message).toContain('conflict with "someone-else": .spec.replicas');
    expect((refused as Error).message).toContain('Force=true');

    const forced = await cluster.apply(deployment(namespace, 'web', 2), { dryRun: false, force: true });
    expect((forced.spec as { replicas: number }).replicas).toBe(2);
  });

  it('names an imperative editor (an Update manager) with its API version in a Conflict', async () => {
    const namespace = await newNamespace('edit');
    await cluster.apply(deployment(namespace, 'web', 1), APPLY);
    const kc = new KubeConfig();
    kc.loadFromFile(inject('kubeconfig'));
    const http = new KubeHttp(kc);
    const edit = await http.request({
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${namespace}/deployments/web`,
      query: { fieldManager: 'kubectl-edit' },
      body: { spec: { replicas: 5 } },
      contentType: 'application/merge-patch+json',
      object: 'edit',
      verb: 'patch',
    });
    http.close();
    expect(edit.status).toBe(200);

    const refused = await cluster
      .apply(deployment(namespace, 'web', 2), APPLY)
      .catch((error: unknown) => error);

    expect(refused).toMatchObject({
      code: 'Conflict',
      conflicts: [{ manager: 'kubectl-edit', apiVersion: 'apps/v1', field: '.spec.replicas' }],
    });
    expect((refused as Error).message).toContain(
      'conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
  });

  it('deletes with Foreground propagation, and deleting what is gone is no error', async () => {
    const namespace = await newNamespace('delete');
    await cluster.apply(deployment(namespace, 'web', 1), APPLY);
    await waitUntil(
      'a ReplicaSet',
      async () => (await cluster.list('apps/v1', 'ReplicaSet', { namespace })).length > 0,
    );

    await cluster.delete('apps/v1', 'Deployment', 'web', namespace, { propagationPolicy: 'Foreground' });

    const during = await cluster.get('apps/v1', 'Deployment', 'web', namespace);
    if (during !== undefined) {
      expect(during.metadata.deletionTimestamp).toBeDefined();
      expect(during.metadata.finalizers).toContain('foregroundDeletion');
    }
    await waitUntil(
      'the Deployment gone',
      async () => (await cluster.get('apps/v1', 'Deployment', 'web', namespace)) === undefined,
    );
    expect(await cluster.list('apps/v1', 'ReplicaSet', { namespace })).toEqual([]);
    await cluster.delete('apps/v1', 'Deployment', 'web', namespace, { propagationPolicy: 'Foreground' });
    await cluster.delete('nope.example.com/v1', 'Thing', 'x', namespace, { propagationPolicy: 'Background' });
  });

  it('lists by label in one namespace or across all, with apiVersion and kind on each item', async () => {
    const first = await newNamespace('list-a');
    const second = await newNamespace('list-b');
    await cluster.apply(configMap(first, 'one', {}), APPLY);
    await cluster.apply(configMap(second, 'two', {}), APPLY);

    const inFirst = await cluster.list('v1', 'ConfigMap', { namespace: first, labelSelector: `run=${run}` });
    const everywhere = await cluster.list('v1', 'ConfigMap', { labelSelector: `run=${run}` });
    const byField = await cluster.list('v1', 'ConfigMap', {
      fieldSelector: `metadata.name=two,metadata.namespace=${second}`,
    });

    expect(inFirst.map((o) => o.metadata.name)).toEqual(['one']);
    expect(inFirst[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(everywhere.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining([`${first}/one`, `${second}/two`]),
    );
    expect(byField.map((o) => o.metadata.name)).toEqual(['two']);
  });

  it('answers discovery: built-in kinds, unknown kinds and unknown groups', async () => {
    expect(await cluster.kindInfo('apps/v1', 'Deployment')).toEqual({
      namespaced: true,
      resource: 'deployments',
    });
    expect(await cluster.kindInfo('v1', 'Namespace')).toEqual({ namespaced: false, resource: 'namespaces' });
    expect(await cluster.kindInfo('v1', 'NoSuchKind')).toBeUndefined();
    expect(await cluster.kindInfo('nope.example.com/v1', 'Thing')).toBeUndefined();
    expect(await cluster.get('nope.example.com/v1', 'Thing', 'x', 'default')).toBeUndefined();
    expect(await cluster.list('nope.example.com/v1', 'Thing')).toEqual([]);
  });

  it('maps refusals to error codes that name the object', async () => {
    const namespace = await newNamespace('errors');

    await expect(cluster.apply({ ...configMap('sw-missing-ns', 'x', {}) }, APPLY)).rejects.toMatchObject({
      code: 'NotFound',
      status: 404,
      object: 'ConfigMap/sw-missing-ns/x',
    });
    // Final at once: one request, the API server's own message kept.
    const invalid = await cluster.apply(deployment(namespace, 'bad', -1), APPLY).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ClusterError);
    expect(invalid).toMatchObject({
      code: 'Invalid',
      status: 422,
      reason: 'Invalid',
      attempts: 1,
      object: `Deployment/${namespace}/bad`,
      serverMessage: expect.stringMatching(/spec\.replicas: Invalid value: -1/),
    });
    // Without a name, get and delete would address the whole collection: refused, no request.
    await expect(cluster.get('v1', 'ConfigMap', '', namespace)).rejects.toMatchObject({ code: 'Invalid' });
    await expect(
      cluster.delete('batch/v1', 'Job', '', namespace, { propagationPolicy: 'Background' }),
    ).rejects.toMatchObject({ code: 'Invalid' });
    await expect(
      cluster.apply(
        { apiVersion: 'nope.example.com/v1', kind: 'Thing', metadata: { name: 'x', namespace } },
        APPLY,
      ),
    ).rejects.toMatchObject({ code: 'UnknownKind', object: `Thing/${namespace}/x` });
    await expect(cluster.apply(configMap('', 'x', {}), APPLY)).rejects.toMatchObject({ code: 'Invalid' });
  });

  it('applies 500 objects quickly over pooled connections', async () => {
    const namespace = await newNamespace('bulk');
    const limit = pLimit(32);
    const started = Date.now();

    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        limit(() => cluster.apply(configMap(namespace, `cm-${i}`, { i: String(i) }), APPLY)),
      ),
    );
    const elapsedMs = Date.now() - started;

    console.log(`500 server-side applies in ${elapsedMs} ms`);
    expect((await cluster.list('v1', 'ConfigMap', { namespace, labelSelector: `run=${run}` })).length).toBe(
      500,
    );
    expect(elapsedMs).toBeLessThan(60_000);
  });
});
