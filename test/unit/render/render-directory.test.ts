import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ToolRunner } from '../../../engine/ports.ts';
import { renderApp } from '../../../engine/render/render-app.ts';
import { makeApp } from './make-app.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/render/', import.meta.url));
/** Directory sources never run a tool: any call is a bug. */
const noTools: ToolRunner = {
  run: () => Promise.reject(new Error('a directory source must not run a tool')),
};
const deps = { tools: noTools, cacheDir: '/nonexistent' };
const checkout = (name: string) => ({ dir: `${fixtures}${name}`, revision: 'abc123' });
const ids = (objects: Array<{ kind: string; metadata: { name: string } }>) =>
  objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('renderApp: directory source', () => {
  it('reads .yaml/.yml/.json recursively in path order, skipping empty docs, non-manifests and dot-dirs', async () => {
    const res = await renderApp(makeApp('plain', 'app'), checkout('directory'), deps);

    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.sourceType).toBe('directory');
    expect(ids(res.objects)).toEqual([
      'Service/from-list',
      'ServiceAccount/from-list',
      'ConfigMap/first',
      'ConfigMap/second',
      'Secret/deep',
      'Deployment/nested',
      'ClusterRole/reader',
    ]);
  });

  it('reads only the top directory when recurse is off', async () => {
    const res = await renderApp(
      makeApp('plain', 'app', { directory: { recurse: false } }),
      checkout('directory'),
      deps,
    );

    expect(res.ok && ids(res.objects)).toEqual([
      'Service/from-list',
      'ServiceAccount/from-list',
      'ConfigMap/first',
      'ConfigMap/second',
      'ClusterRole/reader',
    ]);
  });

  it.each([
    [{ include: '*.json' }, ['ClusterRole/reader']],
    [
      { include: '{list.yaml,nested/**}' },
      ['Service/from-list', 'ServiceAccount/from-list', 'Secret/deep', 'Deployment/nested'],
    ],
    [
      { exclude: 'nested/**' },
      [
        'Service/from-list',
        'ServiceAccount/from-list',
        'ConfigMap/first',
        'ConfigMap/second',
        'ClusterRole/reader',
      ],
    ],
  ])('filters with include/exclude %o', async (filter, expected) => {
    const res = await renderApp(
      makeApp('plain', 'app', { directory: { recurse: true, ...filter } }),
      checkout('directory'),
      deps,
    );

    expect(res.ok && ids(res.objects)).toEqual(expected);
  });

  it('keeps a namespace the file sets and gives the rest the app namespace; cluster-scoped get none', async () => {
    const res = await renderApp(makeApp('plain', 'app'), checkout('directory'), deps);

    if (!res.ok) throw new Error(res.error.message);
    const ns = Object.fromEntries(
      res.objects.map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.namespace]),
    );
    expect(ns['ConfigMap/second']).toBe('elsewhere');
    expect(ns['ConfigMap/first']).toBe('plain');
    expect(ns['ClusterRole/reader']).toBeUndefined();
  });

  it('fails on a YAML syntax error, naming the file and line', async () => {
    const res = await renderApp(makeApp('db', 'app'), checkout('directory-bad-yaml'), deps);

    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toMatchObject({
      app: 'db',
      env: 'dev',
      reason: 'yaml-syntax',
      file: 'app/broken.yaml',
      line: 7,
    });
    expect(res.error.message).toMatch(/^app dev\/db: app\/broken\.yaml:7: yaml syntax: .+; fix the YAML/);
  });

  it('fails on a manifest without metadata.name, naming the file', async () => {
    const res = await renderApp(makeApp('x', 'app'), checkout('directory-no-name'), deps);

    expect(!res.ok && res.error).toMatchObject({ reason: 'invalid-manifest', file: 'app/cm.yaml' });
    expect(!res.ok && res.error.detail).toBe('ConfigMap has no metadata.name');
  });

  it('fails when the app path does not exist at the revision', async () => {
    const res = await renderApp(makeApp('x', 'nope'), checkout('directory'), deps);

    expect(!res.ok && res.error.message).toBe(
      'app dev/x: nope: app path missing: no directory nope at revision abc123; check the app path in syncwave.yaml against the repository',
    );
  });

  it('refuses an app path outside the checkout', async () => {
    const res = await renderApp(makeApp('x', '../directory-bad-yaml/app'), checkout('directory'), deps);

    expect(!res.ok && res.error.reason).toBe('path-outside-repo');
  });
});
