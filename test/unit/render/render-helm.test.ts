import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../engine/model.ts';
import type { ToolRunner } from '../../../engine/ports.ts';
import { renderApp } from '../../../engine/render/render-app.ts';
import { type ChartRepo, startChartRepo } from '../../../harness/chart-repo.ts';
import { makeApp } from './make-app.ts';
import { realTools } from './real-tools.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/render/', import.meta.url));
const repo = { dir: join(fixtures, 'repo'), revision: 'r1' };
const find = (objects: KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('renderApp: helm source (real helm)', () => {
  let deps: { tools: ToolRunner; cacheDir: string };
  let scratch: string;
  beforeAll(async () => {
    ({ scratch, ...deps } = await realTools());
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('includes CRDs, maps hooks, drops test hooks and places objects by scope', async () => {
    const res = await renderApp(makeApp('hooks', 'charts/hooks'), repo, deps);

    if (!res.ok) throw new Error(res.error.message);
    expect(res.sourceType).toBe('helm');
    expect(
      res.objects.map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.namespace ?? '-'}`).sort(),
    ).toEqual([
      'ClusterRole/hooks-reader@-',
      'CustomResourceDefinition/widgets.example.com@-',
      'Job/hooks-migrate@hooks',
      'Widget/hooks-widget@hooks',
    ]);
    expect(find(res.objects, 'Job', 'hooks-migrate')?.metadata.annotations).toMatchObject({
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/sync-wave': '-1',
      'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
    });
  });

  it('leaves the chart CRDs out with skipCrds', async () => {
    const app = makeApp('hooks', 'charts/hooks');
    const res = await renderApp({ ...app, helm: { ...app.helm, skipCrds: true } }, repo, deps);

    expect(res.ok && res.objects.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'Job', 'Widget']);
  });

  it('applies value files in order, then inline values, then parameters; .Release.Namespace is the app namespace', async () => {
    const app = makeApp('values', 'charts/values', { namespace: 'dev-values' });
    const helm = {
      ...app.helm,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: syncwave's own ${env} placeholder, not a JS template
      valueFiles: ['values.yaml', 'values-${env}.yaml'],
      values: { shape: 'inline', note: 'inline' },
      parameters: [{ name: 'note', value: 'a,b' }],
    };

    const res = await renderApp({ ...app, helm }, repo, deps);

    if (!res.ok) throw new Error(res.error.message);
    expect(find(res.objects, 'ConfigMap', 'values')?.data).toEqual({
      color: 'from-values-dev',
      size: 'from-values-dev',
      shape: 'inline',
      note: 'a,b',
      namespace: 'dev-values',
    });
  });

  it.each([
    // biome-ignore lint/suspicious/noTemplateCurlyInString: syncwave's own ${env} placeholder, not a JS template
    ['a literal ${env} template', { valueFiles: ['values.yaml', 'values-${env}.yaml'] }],
    [
      'a file listed in optionalValueFiles',
      { valueFiles: ['values-prod.yaml'], optionalValueFiles: ['values-prod.yaml'] },
    ],
  ])('skips a missing value file from %s', async (_, helm) => {
    const app = makeApp('values', 'charts/values', {
      env: { name: 'prod', branch: 'main', cluster: 'prod' },
    });

    const res = await renderApp({ ...app, helm: { ...app.helm, ...helm } }, repo, deps);

    if (!res.ok) throw new Error(res.error.message);
    expect(find(res.objects, 'ConfigMap', 'values')?.data).toMatchObject({ color: 'default' });
  });

  it('fails on an explicitly named value file that is missing', async () => {
    const app = makeApp('values', 'charts/values');

    const res = await renderApp(
      { ...app, helm: { ...app.helm, valueFiles: ['values-nope.yaml'] } },
      repo,
      deps,
    );

    expect(!res.ok && res.error).toMatchObject({
      app: 'values',
      reason: 'value-file-missing',
      file: 'charts/values/values-nope.yaml',
    });
  });

  it("fails with the template at fault and helm's own message", async () => {
    const res = await renderApp(makeApp('broken', 'charts/broken'), repo, deps);

    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toMatchObject({
      app: 'broken',
      sourceType: 'helm',
      reason: 'tool-failed',
      file: 'charts/broken/templates/deployment.yaml',
      line: 6,
    });
    expect(res.error.detail).toContain('nil pointer evaluating interface {}.replicas');
    expect(res.error.message).toMatch(
      /^app dev\/broken: charts\/broken\/templates\/deployment\.yaml:6: tool failed: helm template: .*nil pointer/,
    );
    expect(res.error.message).not.toContain(fixtures);
  });

  it('names the template of a rendered object that has no metadata.name', async () => {
    const res = await renderApp(makeApp('no-name', 'charts/no-name'), repo, deps);

    expect(!res.ok && res.error).toMatchObject({
      reason: 'invalid-manifest',
      file: 'charts/no-name/templates/nameless.yaml',
      detail: 'ConfigMap has no metadata.name',
    });
  });
});

describe('renderApp: helm dependency from a chart repository on loopback', () => {
  let deps: { tools: ToolRunner; cacheDir: string };
  let scratch: string;
  let chartRepo: ChartRepo;
  beforeAll(async () => {
    // The chart repository listens on loopback, which the default render network policy refuses.
    ({ scratch, ...deps } = await realTools({ network: { allow: ['127.0.0.1/32'] } }));
    chartRepo = await startChartRepo({ charts: [join(fixtures, 'chart-repo/redis')], tools: deps.tools });
  });
  afterAll(async () => {
    await chartRepo?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  /** A checkout holding the shop chart, whose dependency points at `repoUrl`. */
  async function shopCheckout(repoUrl: string, revision: string) {
    const dir = await mkdtemp(join(scratch, `checkout-${revision}-`));
    await cp(join(fixtures, 'helm-with-dependency'), join(dir, 'apps/shop'), { recursive: true });
    const chartYaml = join(dir, 'apps/shop/Chart.yaml');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: syncwave's own ${env} placeholder, not a JS template
    await writeFile(chartYaml, (await readFile(chartYaml, 'utf8')).replaceAll('${CHART_REPO_URL}', repoUrl));
    return { dir, revision };
  }

  it('fetches the dependency once, then renders from the cache without a request', async () => {
    const first = await shopCheckout(chartRepo.url, 'r1');
    const res1 = await renderApp(makeApp('shop', 'apps/shop'), first, deps);

    if (!res1.ok) throw new Error(res1.error.message);
    const redis = find(res1.objects, 'StatefulSet', 'shop-redis-master');
    expect(redis?.metadata.namespace).toBe('shop');
    expect(JSON.stringify(redis)).toContain('"name":"ALLOW_EMPTY_PASSWORD","value":"yes"'); // parent values reach the subchart
    expect(find(res1.objects, 'Service', 'shop-redis-headless')).toBeDefined();
    expect(chartRepo.requests).toContain('/redis-18.1.0.tgz');
    expect(await readdir(join(first.dir, 'apps/shop'))).not.toContain('charts'); // the checkout is never written

    const seen = chartRepo.requests.length;
    const second = await shopCheckout(chartRepo.url, 'r2');
    const res2 = await renderApp(makeApp('shop', 'apps/shop'), second, deps);

    expect(res2.ok && res2.objects).toEqual(res1.objects);
    expect(chartRepo.requests).toHaveLength(seen);
  });

  it('fails naming Chart.yaml, the dependency and the URL when the repository cannot be reached', async () => {
    const checkout = await shopCheckout('http://127.0.0.1:9', 'r3');

    const res = await renderApp(makeApp('shop', 'apps/shop'), checkout, deps);

    expect(!res.ok && res.error).toMatchObject({
      reason: 'chart-fetch-failed',
      file: 'apps/shop/Chart.yaml',
    });
    expect(!res.ok && res.error.detail).toMatch(
      /^dependency redis: http:\/\/127\.0\.0\.1:9\/index\.yaml: connect ECONNREFUSED/,
    );
  });
});
