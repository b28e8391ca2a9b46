// Charts from a Helm chart repository (harness/chart-repo.ts on loopback, real helm): as an
// Argo CD Application's spec.source.chart and as syncwave.yaml's helm.chart.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../../../engine/config/load-repo-config.ts';
import type { ToolRunner } from '../../../engine/ports.ts';
import { chartReference } from '../../../engine/render/fetch-chart.ts';
import { renderApp } from '../../../engine/render/render-app.ts';
import { type ChartRepo, startChartRepo } from '../../../harness/chart-repo.ts';
import { realTools } from './real-tools.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/render/', import.meta.url));

let deps: { tools: ToolRunner; cacheDir: string };
let strict: { tools: ToolRunner; cacheDir: string };
let scratch: string;
let chartRepo: ChartRepo;

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(scratch, 'repo-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const application = (url: string, version: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: cache }
spec:
  source:
    repoURL: ${url}
    chart: redis
    targetRevision: ${version}
    helm:
      valueFiles: [values.yaml]
      valuesObject: { replicas: 2 }
  destination: { namespace: cache }
`;

beforeAll(async () => {
  // The chart repository listens on loopback, which the default render network policy refuses.
  ({ scratch, ...deps } = await realTools({ network: { allow: ['127.0.0.1/32'] } }));
  const other = await realTools();
  strict = { tools: other.tools, cacheDir: other.cacheDir };
  chartRepo = await startChartRepo({ charts: [join(fixtures, 'chart-repo/redis')], tools: deps.tools });
});
afterAll(async () => {
  await chartRepo?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('charts from a Helm repository', () => {
  it('an Application with spec.source.chart renders the pulled chart, then from the cache without a request', async () => {
    const dir = await repo({ 'argocd/cache.yaml': application(chartRepo.url, '18.1.0') });
    const loaded = await loadRepoConfig(dir);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const [app] = loaded.config.apps('default');
    expect(app?.helm.chart).toEqual({ name: 'redis', repoURL: chartRepo.url, version: '18.1.0' });
    expect(app?.path).toBe('argocd/cache.yaml');
    const first = await renderApp(app!, { dir, revision: 'r1' }, deps);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toContain(
      'Service/cache/cache-redis-headless',
    );
    expect(chartRepo.requests).toContain('/redis-18.1.0.tgz');
    const seen = chartRepo.requests.length;
    const second = await renderApp(app!, { dir, revision: 'r2' }, deps);
    expect(second.ok && second.objects).toEqual(first.objects);
    expect(chartRepo.requests).toHaveLength(seen);
  });

  it('renders of the same chart at the same time share one download', async () => {
    const dir = await repo({ 'argocd/cache.yaml': application(chartRepo.url, '18.1.0') });
    const loaded = await loadRepoConfig(dir);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const [app] = loaded.config.apps('default');
    const fresh = { tools: deps.tools, cacheDir: join(scratch, 'cache-concurrent') };
    const before = chartRepo.requests.length;
    const results = await Promise.all([1, 2, 3].map(() => renderApp(app!, { dir, revision: 'r1' }, fresh)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(chartRepo.requests.slice(before)).toEqual(['/index.yaml', '/redis-18.1.0.tgz']);
  });

  it('syncwave.yaml helm: { chart, repoURL, version } needs no path; a range picks the highest version that fits', async () => {
    const dir = await repo({
      'syncwave.yaml': `environments:\n  dev: { branch: develop }\napps:\n  - name: cache\n    helm: { chart: redis, repoURL: "${chartRepo.url}", version: "18.x" }\n`,
    });
    const loaded = await loadRepoConfig(dir);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const [app] = loaded.config.apps('dev');
    const res = await renderApp(app!, { dir, revision: 'r1' }, deps);
    expect(res.ok, !res.ok ? res.error.message : '').toBe(true);
  });

  it('says what is missing when helm.chart comes without repoURL or version', async () => {
    const dir = await repo({
      'syncwave.yaml':
        'environments:\n  dev: { branch: develop }\napps:\n  - name: cache\n    helm: { chart: redis }\n',
    });
    const loaded = await loadRepoConfig(dir);
    expect(!loaded.ok && loaded.errors).toEqual([
      expect.stringMatching(/apps\[0\]\.helm\.repoURL: required with helm.chart/),
      expect.stringMatching(/apps\[0\]\.helm\.version: required with helm.chart/),
    ]);
  });

  it('the default render network policy refuses a chart repository on loopback, before any request', async () => {
    const dir = await repo({ 'argocd/cache.yaml': application(chartRepo.url, '18.1.0') });
    const loaded = await loadRepoConfig(dir);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const seen = chartRepo.requests.length;
    const res = await renderApp(loaded.config.apps('default')[0]!, { dir, revision: 'r1' }, strict);
    expect(!res.ok && res.error.reason).toBe('network-refused');
    expect(!res.ok && res.error.message).toMatch(/loopback, private or link-local/);
    expect(chartRepo.requests).toHaveLength(seen);
  });

  it.each([
    ['file:///etc', 'redis', /only http\(s\) chart repositories and OCI registries/],
    ['https://charts.example.com', '../../etc', /not a plain chart name/],
    ['ssh://git@example.com/charts', 'redis', /only http\(s\) chart repositories/],
  ])('refuses repoURL %s chart %s', (repoURL, name, message) => {
    const ref = chartReference({ name, repoURL, version: '1.0.0' });
    expect(!ref.ok && ref.detail).toMatch(message);
  });

  it('names an OCI registry with or without oci://', () => {
    expect(
      chartReference({ name: 'redis', repoURL: 'registry.example.com/charts', version: '1.0.0' }),
    ).toMatchObject({
      ok: true,
      kind: 'oci',
      registry: 'registry.example.com/charts',
    });
    expect(
      chartReference({ name: 'redis', repoURL: 'oci://127.0.0.1:5000/c/', version: '1.0.0' }),
    ).toMatchObject({
      kind: 'oci',
      registry: '127.0.0.1:5000/c',
    });
  });
});
