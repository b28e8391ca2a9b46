// `syncwave preview` run as a process against a local git repository and the real control plane:
// the environment is synced first (so inventories exist), then branches are previewed against it.
// Nothing here stands in for anything: real git, helm, kustomize and kube-apiserver.
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewReport } from '../../engine/preview/preview-report.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import type { CliResult } from '../../scripts/demo/serve-process.ts';
import { type ExampleEnvironment, openExampleEnvironment } from '../support/example-environment.ts';

let e: ExampleEnvironment;

function preview(revision: string, ...more: string[]): Promise<CliResult> {
  return e.sw('preview', ...e.target(), '--revision', revision, ...more);
}

/** A branch off develop with `change` applied and committed; back on develop afterwards. */
async function branch(name: string, change: () => Promise<void>): Promise<void> {
  await e.repo.git('checkout', '-q', '-b', name, 'develop');
  await change();
  await e.repo.commitAll(name);
  await e.repo.checkout('develop');
}

const file = (path: string) => join(e.repo.dir, path);

beforeAll(async () => {
  e = await openExampleEnvironment({ env: `pcli${process.pid % 1000}` });
  const sync = await e.sw('sync', ...e.target());
  if (sync.code !== 0) throw new Error(`initial sync failed: ${sync.stderr}\n${sync.stdout}`);
});

afterAll(async () => {
  await e.close();
});

describe('syncwave preview', () => {
  it('the branch tip itself: no app affected, exit 0', async () => {
    const r = await preview('develop', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as PreviewReport;
    expect(report).toMatchObject({ env: e.env, outcome: 'clean', apps: [] });
  });

  it('an image bump: exactly that Deployment changes, exit 1, and the cluster is untouched', async () => {
    await branch('bump', async () => {
      const values = await readFile(file('apps/frontend/values.yaml'), 'utf8');
      await writeFile(file('apps/frontend/values.yaml'), values.replace('tag: "2.0.0"', 'tag: "2.1.0"'));
    });
    const r = await preview('bump', '-o', 'json');
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as PreviewReport;
    expect(report.outcome).toBe('changes');
    expect(report.apps.map((a) => [a.app, a.status])).toEqual([['frontend', 'changes']]);
    const app = report.apps[0];
    if (app?.status !== 'changes') throw new Error('frontend has no changes');
    expect(app.objects.map((o) => [o.object, o.action])).toEqual([
      [`Deployment/${e.ns('frontend')}/frontend`, 'update'],
    ]);
    expect(app.objects[0]?.paths).toEqual(['spec.template.spec.containers[0].image']);
    expect(app.objects[0]?.diff).toContain('-          image: ghcr.io/example/frontend:2.0.0');
    expect(app.objects[0]?.diff).toContain('+          image: ghcr.io/example/frontend:2.1.0');

    const text = await preview('bump');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${e.env} at `);
    expect(text.stdout).toContain(`update  Deployment/${e.ns('frontend')}/frontend`);
    const live = await kubectl(e.kubeconfig, [
      'get',
      'deployment',
      'frontend',
      '-n',
      e.ns('frontend'),
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(live).toBe('ghcr.io/example/frontend:2.0.0');
  });

  it('a removed manifest is listed as a prune; the object stays in the cluster', async () => {
    await branch('drop-config', () => unlink(file('apps/database/configmap.yaml')));
    const r = await preview('drop-config', '-o', 'json');
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as PreviewReport;
    const app = report.apps.find((a) => a.app === 'database');
    expect(app?.status).toBe('changes');
    if (app?.status !== 'changes') return;
    expect(app.objects.map((o) => [o.object, o.action])).toEqual([
      [`ConfigMap/${e.ns('database')}/postgres-config`, 'prune'],
    ]);
    expect(
      await kubectl(e.kubeconfig, [
        'get',
        'configmap',
        'postgres-config',
        '-n',
        e.ns('database'),
        '-o',
        'name',
      ]),
    ).toBe('configmap/postgres-config');
  });

  it('an object the API server rejects and a file that does not render: exit 2, each named', async () => {
    await branch('broken', async () => {
      await writeFile(
        file('apps/database/bad.yaml'),
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  replicas: -1\n  selector: { matchLabels: { app: bad } }\n  template:\n    metadata: { labels: { app: bad } }\n    spec: { containers: [{ name: c, image: busybox }] }\n',
      );
      await writeFile(
        file('apps/backend/base/service.yaml'),
        'apiVersion: v1\nkind: Service\nmetadata: [not, a, map\n',
      );
    });
    const r = await preview('broken', '-o', 'json');
    expect(r.code, r.stderr).toBe(2);
    const report = JSON.parse(r.stdout) as PreviewReport;
    expect(report.outcome).toBe('failed');
    const database = report.apps.find((a) => a.app === 'database');
    expect(database?.status).toBe('rejected');
    if (database?.status !== 'rejected') return;
    expect(database.rejected).toHaveLength(1);
    expect(database.rejected[0]?.object).toBe(`Deployment/${e.ns('database')}/bad`);
    expect(database.rejected[0]?.message).toMatch(/spec\.replicas.*must be greater than or equal to 0/);
    const backend = report.apps.find((a) => a.app === 'backend');
    expect(backend?.status).toBe('render-failed');
    if (backend?.status !== 'render-failed') return;
    expect(backend.error).toContain('service.yaml');
    expect(
      await kubectl(e.kubeconfig, ['get', 'deployment', '-n', e.ns('database'), '-o', 'name']),
    ).not.toContain('bad');
  });
});
