import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../engine/index.ts';
import { diffApp, loadRepoConfig } from '../../engine/index.ts';
import { renderApp } from '../../engine/render/render-app.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

interface Seen {
  type: string;
  obj: KubeObject;
}

/** Watches objects of the test's environment (by label) and keeps every event. */
async function watchEnv(env: string, paths: string[]): Promise<{ events: Seen[]; stop(): void }> {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG as string);
  const watch = new Watch(kc);
  const events: Seen[] = [];
  const controllers = await Promise.all(
    paths.map((p) =>
      watch.watch(
        p,
        { labelSelector: `syncwave.io/env=${env}` },
        (type, obj) => events.push({ type, obj: obj as KubeObject }),
        () => undefined,
      ),
    ),
  );
  return {
    events,
    stop: () => {
      for (const c of controllers) c.abort();
    },
  };
}

const rv = (o: KubeObject) => BigInt(o.metadata.resourceVersion ?? '0');

function firstReady(events: Seen[], kind: string, ns: string): bigint {
  const ready = events.find((e) => {
    const s = e.obj.status as
      | { readyReplicas?: number; availableReplicas?: number; replicas?: number }
      | undefined;
    const want = (e.obj.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    return e.obj.kind === kind && e.obj.metadata.namespace === ns && (s?.readyReplicas ?? 0) >= want;
  });
  if (!ready) throw new Error(`no ${kind} in ${ns} became ready`);
  return rv(ready.obj);
}

function firstCreated(events: Seen[], ns: string): bigint {
  const created = events
    .filter((e) => e.type === 'ADDED' && e.obj.metadata.namespace === ns)
    .map((e) => rv(e.obj));
  if (!created.length) throw new Error(`nothing created in ${ns}`);
  return created.reduce((a, b) => (a < b ? a : b));
}

/** Polls `read` until `done` holds (10 s at most), then returns the last value. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 10_000;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

async function deployment(t: EngineEnv, app: string, name = app): Promise<KubeObject> {
  const live = await t.cluster.get('apps/v1', 'Deployment', name, t.ns(app));
  if (!live) throw new Error(`Deployment ${t.ns(app)}/${name} missing`);
  return live;
}

async function setFile(t: EngineEnv, path: string, edit: (text: string) => string): Promise<void> {
  const file = join(t.repo.dir, path);
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

describe('engine against the real control plane', () => {
  let t: EngineEnv;

  beforeAll(async () => {
    t = await engineEnv('eng');
  });

  it('first sync creates everything in app-wave order, each wave healthy before the next', async () => {
    const w = await watchEnv(t.env, [
      '/apis/apps/v1/statefulsets',
      '/apis/apps/v1/deployments',
      '/api/v1/configmaps',
      '/api/v1/services',
    ]);
    try {
      const result = await t.push('first deploy');
      expect(result.outcome, result.message).toBe('succeeded');
      expect(result.apps.map((a) => [a.app, a.phase])).toEqual([
        ['database', 'Succeeded'],
        ['backend', 'Succeeded'],
        ['frontend', 'Succeeded'],
      ]);
      // The watch streams deliver their events a little after the sync saw the objects: wait
      // until the four events compared have arrived (a fixed sleep raced with a loaded machine).
      const order = () => ({
        databaseReady: firstReady(w.events, 'StatefulSet', t.ns('database')),
        backendCreated: firstCreated(w.events, t.ns('backend')),
        backendReady: firstReady(w.events, 'Deployment', t.ns('backend')),
        frontendCreated: firstCreated(w.events, t.ns('frontend')),
      });
      const seen = await eventually(
        async () => {
          try {
            return order();
          } catch {
            return undefined;
          }
        },
        (v) => v !== undefined,
      );
      const { databaseReady, backendCreated, backendReady, frontendCreated } = seen ?? order();
      expect(backendCreated).toBeGreaterThan(databaseReady);
      expect(frontendCreated).toBeGreaterThan(backendReady);
    } finally {
      w.stop();
    }
    const state = await t.state.getApp(t.env, 'frontend');
    expect(state).toMatchObject({ syncStatus: 'Synced' });
    const history = await t.state.listHistory(t.env, 'frontend');
    expect(history[0]).toMatchObject({ phase: 'Succeeded', initiator: 'push', env: t.env, app: 'frontend' });
  });

  it('an image tag change rolls out the frontend only; the others are not synced and get no write', async () => {
    const before = await deployment(t, 'backend');
    const beforeDb = await t.cluster.get('apps/v1', 'StatefulSet', 'database', t.ns('database'));
    await setFile(t, 'apps/frontend/values.yaml', (s) => s.replace('tag: "2.0.0"', 'tag: "2.0.1"'));
    const result = await t.push('frontend 2.0.1');
    expect(result.outcome, result.message).toBe('succeeded');
    // Only the app whose files changed since its synced revision is synced (the push says 'all').
    expect(result.apps.map((a) => a.app)).toEqual(['frontend']);
    const byApp = new Map(result.apps.map((a) => [a.app, a]));
    expect(byApp.get('frontend')?.resources.find((r) => r.kind === 'Deployment')?.outcome).toBe('configured');
    expect((await deployment(t, 'backend')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(
      (await t.cluster.get('apps/v1', 'StatefulSet', 'database', t.ns('database')))?.metadata.resourceVersion,
    ).toBe(beforeDb?.metadata.resourceVersion);
    const images = await eventually(
      async () => {
        const replicaSets = await t.cluster.list('apps/v1', 'ReplicaSet', { namespace: t.ns('frontend') });
        return replicaSets.map((rs) => [
          (rs.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec
            .containers[0]?.image,
          (rs.spec as { replicas: number }).replicas,
        ]);
      },
      (list) => list.some((i) => String(i[0]).endsWith(':2.0.0') && i[1] === 0),
    );
    expect(images).toContainEqual(['ghcr.io/example/frontend:2.0.1', expect.any(Number)]);
    expect(images).toContainEqual(['ghcr.io/example/frontend:2.0.0', 0]);
  });

  it('a push maps changed paths to apps: only the touched app syncs', async () => {
    await setFile(t, 'apps/frontend/values-dev.yaml', (s) => s.replace('replicaCount: 1', 'replicaCount: 3'));
    const result = await t.push('scale frontend', { changedPaths: ['apps/frontend/values-dev.yaml'] });
    expect(result.outcome, result.message).toBe('succeeded');
    expect(result.apps.map((a) => a.app)).toEqual(['frontend']);
    expect((await deployment(t, 'frontend')).spec).toMatchObject({ replicas: 3 });
  });

  it('adds an env var; prunes a manifest removed from Git', async () => {
    await setFile(t, 'apps/frontend/values-dev.yaml', (s) =>
      s.replace('env:\n', 'env:\n  - { name: FEATURE_X, value: "on" }\n'),
    );
    await rm(join(t.repo.dir, 'apps/database/configmap.yaml'));
    const cms = await t.cluster.list('v1', 'ConfigMap', {
      namespace: t.ns('database'),
      labelSelector: 'syncwave.io/app=database',
    });
    expect(cms.length).toBeGreaterThan(0);
    const result = await t.push('env var and prune');
    expect(result.outcome, result.message).toBe('succeeded');
    const env = (
      (await deployment(t, 'frontend')).spec as {
        template: { spec: { containers: Array<{ env?: Array<{ name: string }> }> } };
      }
    ).template.spec.containers[0]?.env;
    expect(env?.map((e) => e.name)).toContain('FEATURE_X');
    const pruned = result.apps
      .find((a) => a.app === 'database')
      ?.resources.filter((r) => r.outcome === 'pruned');
    expect(pruned?.map((r) => r.kind)).toEqual(cms.map(() => 'ConfigMap'));
    for (const cm of cms)
      expect(await t.cluster.get('v1', 'ConfigMap', cm.metadata.name, t.ns('database'))).toBeUndefined();
  });

  it('a render error leaves the cluster untouched and names the file', async () => {
    const before = await deployment(t, 'frontend');
    await setFile(t, 'apps/frontend/values.yaml', (s) => s.replace('tag: "2.0.1"', 'tag: "2.0.2"'));
    await setFile(t, 'apps/database/service.yaml', (s) => `${s}\n  bad: [unclosed\n`);
    try {
      const result = await t.push('broken yaml');
      expect(result.outcome).toBe('failed');
      expect(result.message).toMatch(/service\.yaml/);
      const after = await deployment(t, 'frontend');
      expect(after.metadata.generation).toBe(before.metadata.generation);
      expect(JSON.stringify(after.spec)).toContain('frontend:2.0.1');
      const history = await t.state.listHistory(t.env, 'database');
      expect(history[0]).toMatchObject({ phase: 'Failed' });
      expect(history[0]?.message).toMatch(/service\.yaml/);
    } finally {
      await t.repo.git('checkout', 'HEAD~1', '--', 'apps/database/service.yaml');
      await setFile(t, 'apps/frontend/values.yaml', (s) => s.replace('tag: "2.0.2"', 'tag: "2.0.1"'));
    }
  });

  it('a Degraded wave stops the sync with the pod reason; later waves are not applied', async () => {
    await setFile(t, 'apps/backend/base/deployment.yaml', (s) =>
      s.replace(/image: .*/, 'image: ghcr.io/example/doesnotexist:1.0.0'),
    );
    await setFile(t, 'apps/frontend/values.yaml', (s) => s.replace('tag: "2.0.1"', 'tag: "2.0.3"'));
    try {
      const result = await t.push('bad backend image');
      expect(result.outcome).toBe('failed');
      expect(result.message).toMatch(/ImagePullBackOff|ErrImagePull/);
      expect(result.message).toMatch(/app wave\(s\) 2 not synced/);
      const image = (
        (await deployment(t, 'frontend')).spec as {
          template: { spec: { containers: Array<{ image: string }> } };
        }
      ).template.spec.containers[0]?.image;
      expect(image).toBe('ghcr.io/example/frontend:2.0.1');
      expect(result.apps.find((a) => a.app === 'frontend')).toBeUndefined();
    } finally {
      await t.repo.git('checkout', 'HEAD~1', '--', 'apps/backend/base/deployment.yaml');
      await setFile(t, 'apps/frontend/values.yaml', (s) => s.replace('tag: "2.0.3"', 'tag: "2.0.1"'));
    }
    const healed = await t.push('fix backend image');
    expect(healed.outcome, healed.message).toBe('succeeded');
  });

  it('reports a conflict with another field manager and overwrites nothing', async () => {
    const ns = t.ns('database');
    await t.cluster.apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'shared-settings', namespace: ns },
        data: { mode: 'theirs' },
      },
      { dryRun: false, force: false, fieldManager: 'someone-else' },
    );
    await t.repo.write(
      'apps/database/shared.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared-settings\ndata:\n  mode: ours\n`,
    );
    const result = await t.push('claim a configmap owned by someone else');
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/ConfigMap\/.*shared-settings/);
    expect(result.message).toMatch(/conflict/i);
    const live = await t.cluster.get('v1', 'ConfigMap', 'shared-settings', ns);
    expect(live?.data).toEqual({ mode: 'theirs' });
    await rm(join(t.repo.dir, 'apps/database/shared.yaml'));
    expect((await t.push('drop the shared configmap')).outcome).toBe('succeeded');
  });

  it('a manual kubectl scale is drift on spec.replicas only, and a sync heals it', async () => {
    const ns = t.ns('frontend');
    await t.cluster.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'frontend', namespace: ns },
        spec: { replicas: 5 },
      },
      { dryRun: false, force: true, fieldManager: 'kubectl-scale' },
    );
    const checkout = await t.deps.source.checkout(await t.repo.head());
    const loaded = await loadRepoConfig(checkout.dir);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const app = loaded.config.apps(t.env).find((a) => a.name === 'frontend');
    if (!app) throw new Error('no frontend app');
    const rendered = await renderApp(app, checkout, { tools: t.deps.tools, cacheDir: t.deps.cacheDir });
    if (!rendered.ok) throw new Error(rendered.error.message);
    const diff = await diffApp(app, rendered.objects, { cluster: t.cluster, state: t.state });
    const changed = diff.objects.filter((d) => d.change !== 'unchanged');
    expect(changed.map((d) => [d.kind, d.paths])).toEqual([['Deployment', ['spec.replicas']]]);
    expect(diff.outOfSync).toBe(true);
    const healed = await t.run({ reason: 'self-heal', apps: ['frontend'], revision: await t.repo.head() });
    expect(healed.outcome, healed.message).toBe('succeeded');
    expect((await deployment(t, 'frontend')).spec).toMatchObject({ replicas: 3 });
  });
});

afterAll(() => undefined);
