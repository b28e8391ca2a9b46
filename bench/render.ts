/**
 * Render time per app (issue 13, item 5): the example repository's Helm chart (frontend) and
 * Kustomize overlay (backend), and a Helm chart with a dependency from a chart repository on
 * loopback (test/fixtures/render/helm-with-dependency): a cache miss (fresh cache directory, the
 * dependency fetched) and a hit (the dependency served from the cache). Medians.
 *
 *   npx tsx bench/render.ts [--runs 5]
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureTools } from '../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../adapters/tools/process-tool-runner.ts';
import type { AppSpec } from '../engine/app-spec.ts';
import { loadRepoConfig } from '../engine/config/load-repo-config.ts';
import { renderApp } from '../engine/render/render-app.ts';
import { startChartRepo } from '../harness/chart-repo.ts';
import { type BenchResult, median, result, resultTable } from './bench-result.ts';
import { benchAppSpec } from './support/bench-app.ts';
import { EXAMPLES_DIR } from './support/examples.ts';
import { loadAverage } from './support/stats.ts';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/render/', import.meta.url));

export async function run(opts: { runs?: number } = {}): Promise<BenchResult[]> {
  const runs = opts.runs ?? 5;
  const { tmpdir } = await import('node:os');
  const scratch = await mkdtemp(join(tmpdir(), 'sw-bench-render-'));
  const tools = new ProcessToolRunner({
    tools: await ensureTools(),
    homeDir: join(scratch, 'home'),
    network: { allow: ['127.0.0.1/32'] },
  });
  const loaded = await loadRepoConfig(EXAMPLES_DIR);
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const examples = { dir: EXAMPLES_DIR, revision: 'r1' };
  const app = (name: string): AppSpec => {
    const found = loaded.config.apps('dev').find((a) => a.name === name);
    if (!found) throw new Error(`no app ${name} in the examples`);
    return found;
  };
  const time = async (spec: AppSpec, checkout: { dir: string; revision: string }, cacheDir: string) => {
    const t0 = performance.now();
    const r = await renderApp(spec, checkout, { tools, cacheDir });
    if (!r.ok) throw new Error(r.error.message);
    return performance.now() - t0;
  };
  const chartRepo = await startChartRepo({ charts: [join(FIXTURES, 'chart-repo/redis')], tools });
  try {
    const shop = await mkdtemp(join(scratch, 'shop-'));
    await cp(join(FIXTURES, 'helm-with-dependency'), join(shop, 'apps/shop'), { recursive: true });
    const chartYaml = join(shop, 'apps/shop/Chart.yaml');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture's placeholder
    await writeFile(
      chartYaml,
      (await readFile(chartYaml, 'utf8')).replaceAll('${CHART_REPO_URL}', chartRepo.url),
    );
    const shopSpec = { ...benchAppSpec('shop', 'shop'), path: 'apps/shop' };
    const m = { helm: [] as number[], kustomize: [] as number[], miss: [] as number[], hit: [] as number[] };
    for (let i = 0; i < runs; i++) {
      m.helm.push(await time(app('frontend'), examples, join(scratch, 'cache')));
      m.kustomize.push(await time(app('backend'), examples, join(scratch, 'cache')));
      const fresh = join(scratch, `cache-${i}`);
      m.miss.push(await time(shopSpec, { dir: shop, revision: `r${i}` }, fresh));
      m.hit.push(await time(shopSpec, { dir: shop, revision: `r${i}b` }, fresh));
    }
    const how = `median of ${runs}, ${await loadAverage()}`;
    return [
      result(
        'render/helm-ms',
        Math.round(median(m.helm)),
        'ms',
        undefined,
        `examples frontend chart; ${how}`,
      ),
      result(
        'render/kustomize-ms',
        Math.round(median(m.kustomize)),
        'ms',
        undefined,
        `examples backend overlay; ${how}`,
      ),
      result(
        'render/helm-dependency-miss-ms',
        Math.round(median(m.miss)),
        'ms',
        undefined,
        'chart with a dependency, fresh cache: fetched from a chart repository on loopback',
      ),
      result(
        'render/helm-dependency-hit-ms',
        Math.round(median(m.hit)),
        'ms',
        { op: '<', value: Math.round(median(m.miss)) },
        'the same, dependency from the cache (target: faster than the miss)',
      ),
    ];
  } finally {
    await chartRepo.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { runs: { type: 'string' } } });
  console.log(resultTable(await run({ runs: values.runs ? Number(values.runs) : undefined })));
}
