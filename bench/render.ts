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
import { benchAppSpec } from './support/bench-app.ts';
import { type BenchRow, loadAverage, median, printRows } from './support/bench-row.ts';
import { EXAMPLES_DIR } from './support/examples.ts';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/render/', import.meta.url));

export async function run(opts: { runs?: number } = {}): Promise<BenchRow[]> {
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
    console.log(`\nrender per app, median of ${runs} (${await loadAverage()})`);
    const rows: BenchRow[] = [
      { name: 'render/helm-ms', value: median(m.helm), unit: 'ms', target: '(reported)', met: true },
      {
        name: 'render/kustomize-ms',
        value: median(m.kustomize),
        unit: 'ms',
        target: '(reported)',
        met: true,
      },
      {
        name: 'render/helm-dependency-miss-ms',
        value: median(m.miss),
        unit: 'ms',
        target: '(reported)',
        met: true,
      },
      {
        name: 'render/helm-dependency-hit-ms',
        value: median(m.hit),
        unit: 'ms',
        target: '< miss',
        met: median(m.hit) < median(m.miss),
      },
    ];
    printRows('render', rows);
    return rows;
  } finally {
    await chartRepo.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { runs: { type: 'string' } } });
  await run({ runs: values.runs ? Number(values.runs) : undefined });
}
