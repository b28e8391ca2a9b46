// App of apps as Argo CD's example repository has it: a root Application whose Helm chart
// renders the children (chosen by values, valuesObject and parameters), synced in wave order.
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

const FIXTURE = new URL('../fixtures/app-of-apps/', import.meta.url).pathname;

describe('app of apps from a Helm chart', () => {
  let t: EngineEnv;

  beforeAll(async () => {
    t = await engineEnv('appofapps');
    await cp(join(FIXTURE, 'argocd'), join(t.repo.dir, 'argocd'), { recursive: true });
    const config = await readFile(join(t.repo.dir, 'syncwave.yaml'), 'utf8');
    await t.repo.write(
      'syncwave.yaml',
      `${config.slice(0, config.indexOf('apps:'))}applications: ["argocd/root.yaml"]\n`,
    );
  });

  it('syncs the plain, Kustomize and Helm children in wave order, never the root or its Applications', async () => {
    const result = await t.push('app of apps');
    expect(result.outcome, result.message).toBe('succeeded');
    expect(result.apps.map((a) => [a.app, a.wave, a.phase])).toEqual([
      ['database', 0, 'Succeeded'],
      ['backend', 1, 'Succeeded'],
      ['frontend', 2, 'Succeeded'],
    ]);
    expect(result.apps.flatMap((a) => a.resources).some((r) => r.kind === 'Application')).toBe(false);
    expect(await t.cluster.get('apps/v1', 'StatefulSet', 'postgres', t.ns('database'))).toBeDefined();
    expect(await t.cluster.get('apps/v1', 'Deployment', 'backend', t.ns('backend'))).toBeDefined();
    const frontend = await t.cluster.get('apps/v1', 'Deployment', 'frontend', t.ns('frontend'));
    expect(frontend?.metadata.annotations?.['syncwave.io/tracking-id']).toContain(':frontend:');
    // the backend was synced only after the database was healthy
    const database = await t.state.getApp(t.env, 'database');
    const backend = await t.state.getApp(t.env, 'backend');
    expect(Date.parse(backend?.lastOperation?.startedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(database?.lastOperation?.finishedAt ?? 'x'),
    );
    expect(await t.state.getApp(t.env, 'root')).toBeUndefined();
    expect(await t.state.getApp(t.env, 'elsewhere')).toBeUndefined();
  });

  it('a child added to the root values becomes an app and is synced', async () => {
    const values = await readFile(join(t.repo.dir, 'argocd/apps/values.yaml'), 'utf8');
    await t.repo.write(
      'argocd/apps/values.yaml',
      values.replace(
        'unused: { enabled: false, wave: 3, path: apps/unused }',
        'cache: { enabled: true, wave: 3, path: apps/database }',
      ),
    );
    const result = await t.push('another child');
    expect(result.outcome, result.message).toBe('succeeded');
    expect(result.apps.map((a) => a.app)).toContain('cache');
    expect(await t.cluster.get('apps/v1', 'StatefulSet', 'postgres', t.ns('cache'))).toBeDefined();
  });
});
