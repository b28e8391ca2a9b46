import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadRepoConfig } from '../../../engine/config/load-repo-config.ts';
import type { ToolRunner } from '../../../engine/ports.ts';
import { renderApp } from '../../../engine/render/render-app.ts';
import { realTools } from './real-tools.ts';

const examples = fileURLToPath(new URL('../../../examples', import.meta.url));
const checkout = { dir: examples, revision: 'examples' };

describe('renderApp on examples/ (real helm and kubectl)', () => {
  let deps: { tools: ToolRunner; cacheDir: string };
  let scratch: string;
  beforeAll(async () => {
    ({ scratch, ...deps } = await realTools());
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it.each(['dev', 'prod'])('renders every app of %s as the snapshot', async (env) => {
    const loaded = await loadRepoConfig(examples);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const apps = loaded.config.apps(env);
    expect(apps.map((a) => a.name)).toEqual(['database', 'backend', 'frontend']);

    for (const app of apps) {
      const res = await renderApp(app, checkout, deps);
      if (!res.ok) throw new Error(res.error.message);
      expect(stringify(res.objects)).toMatchSnapshot(`${env}/${app.name} (${res.sourceType})`);
    }
  });

  it('gives every object the app namespace with the env prefix, the tracking id and the labels', async () => {
    const loaded = await loadRepoConfig(examples);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const frontend = loaded.config.apps('prod').find((a) => a.name === 'frontend');
    if (!frontend) throw new Error('no frontend app');

    const res = await renderApp(frontend, checkout, deps);

    if (!res.ok) throw new Error(res.error.message);
    expect(res.sourceType).toBe('helm');
    const deployment = res.objects.find((o) => o.kind === 'Deployment');
    expect(deployment?.metadata).toMatchObject({
      name: 'frontend',
      namespace: 'prod-frontend',
      labels: { 'syncwave.io/app': 'frontend', 'syncwave.io/env': 'prod' },
      annotations: { 'syncwave.io/tracking-id': 'prod:frontend:apps/Deployment:prod-frontend/frontend' },
    });
    expect(deployment?.spec).toMatchObject({ replicas: 3 }); // values-prod.yaml over values.yaml
  });
});
