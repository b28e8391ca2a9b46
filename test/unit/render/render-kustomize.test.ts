import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolRunner } from '../../../engine/ports.ts';
import { renderApp } from '../../../engine/render/render-app.ts';
import { makeApp } from './make-app.ts';
import { realTools } from './real-tools.ts';

const repo = { dir: fileURLToPath(new URL('../../fixtures/render/repo', import.meta.url)), revision: 'r1' };

describe('renderApp: kustomize source (real kubectl kustomize)', () => {
  let deps: { tools: ToolRunner; cacheDir: string };
  let scratch: string;
  beforeAll(async () => {
    ({ scratch, ...deps } = await realTools());
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('renders an overlay: patch, image tag, name prefix, merged generator; its namespace is kept', async () => {
    const res = await renderApp(makeApp('api', 'kustomize/overlays/dev'), repo, deps);

    if (!res.ok) throw new Error(res.error.message);
    expect(res.sourceType).toBe('kustomize');
    const deployment = res.objects.find((o) => o.kind === 'Deployment');
    expect(deployment?.metadata).toMatchObject({ name: 'dev-api', namespace: 'team-dev' });
    expect(deployment?.spec).toMatchObject({
      replicas: 3,
      template: { spec: { containers: [{ image: 'example/api:1.1.0-dev' }] } },
    });
    const configMap = res.objects.find((o) => o.kind === 'ConfigMap');
    expect(configMap?.metadata.name).toMatch(/^dev-settings-[a-z0-9]{10}$/);
    expect(configMap?.data).toEqual({ MODE: 'dev' });
  });

  it('inflates helmCharts with --enable-helm using our helm, without writing to the checkout', async () => {
    const res = await renderApp(makeApp('inflated', 'kustomize-helm'), repo, deps);

    if (!res.ok) throw new Error(res.error.message);
    expect(res.objects).toHaveLength(1);
    expect(res.objects[0]?.metadata).toMatchObject({ name: 'inflated', namespace: 'inflated' }); // the app's: helm sets none
    expect(res.objects[0]?.data).toMatchObject({ greeting: 'from-kustomize', namespace: 'inflated-ns' });
    expect(await readdir(join(repo.dir, 'kustomize-helm', 'charts'))).toEqual(['greeting']);
  });

  it("fails naming the kustomization and quoting kubectl's message", async () => {
    const res = await renderApp(makeApp('bad', 'kustomize-broken'), repo, deps);

    expect(!res.ok && res.error).toMatchObject({
      reason: 'tool-failed',
      sourceType: 'kustomize',
      file: 'kustomize-broken/kustomization.yaml',
    });
    expect(!res.ok && res.error.detail).toMatch(/^kubectl kustomize: .*missing-file\.yaml/);
    expect(!res.ok && res.error.message).not.toContain(join(repo.dir, '/'));
  });
});
