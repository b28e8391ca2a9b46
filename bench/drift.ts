/**
 * Drift pass scale (issue 13, item 4): 10, 50, 100, 200 apps of 20 objects (15 ConfigMaps and
 * 5 Secrets, each app in its own namespace), synced by the engine, then one scheduled drift pass
 * (checkDrift: health refresh and drift per app) timed, with its API requests counted from
 * apiserver_request_total. Requests should grow with kinds x namespaces, not with objects.
 *
 *   npx tsx bench/drift.ts [--apps 10,50,100,200]
 */
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { checkDrift } from '../engine/index.ts';
import { type BenchResult, median, result, resultTable } from './bench-result.ts';
import { requestCounts, tally } from './support/apiserver-metrics.ts';
import { benchCluster } from './support/bench-cluster.ts';
import { engineBench, writeRepoFile } from './support/engine-bench.ts';
import { loadAverage, nameSuffix } from './support/stats.ts';

const OBJECTS = 20;

function appManifests(app: string): string {
  const docs = Array.from({ length: OBJECTS }, (_, i) =>
    i < 15
      ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${app}-cm-${i}` }, data: { i: String(i) } }
      : {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: `${app}-s-${i}` },
          stringData: { i: String(i) },
        },
  );
  return docs.map((d) => stringify(d)).join('---\n');
}

function config(apps: number, suffix: string): string {
  const lines = [
    'environments:',
    `  bench: { branch: develop, cluster: bench, namespacePrefix: drift${suffix}- }`,
    'apps:',
  ];
  for (let i = 0; i < apps; i++)
    lines.push(
      `  - { name: a${i}, path: apps/a${i}, namespace: a${i}, syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: [CreateNamespace=true] } }`,
    );
  return `${lines.join('\n')}\n`;
}

export async function run(
  opts: { apps?: number[]; passes?: number; kubeconfig?: string } = {},
): Promise<BenchResult[]> {
  const sizes = opts.apps ?? [10, 20, 50, 100, 200];
  const passes = opts.passes ?? 3;
  const bc = await benchCluster('drift', { kubeconfig: opts.kubeconfig });
  const sfx = nameSuffix(bc.shared);
  try {
    const eb = await engineBench(bc, { name: 'drift' });
    const env = { name: 'bench', branch: 'develop', cluster: 'bench' };
    const results: Array<{ apps: number; ms: number; requests: number }> = [];
    let written = 0;
    for (const size of sizes) {
      for (; written < size; written++)
        await writeRepoFile(eb.repo, `apps/a${written}/objects.yaml`, appManifests(`a${written}`));
      await writeRepoFile(eb.repo, 'syncwave.yaml', config(size, sfx));
      bc.track(...Array.from({ length: size }, (_, i) => `drift${sfx}-a${i}`));
      await eb.push(`${size} apps`);
      const times: number[] = [];
      const requests: number[] = [];
      for (let p = 0; p < passes; p++) {
        const before = await requestCounts(bc.api);
        const t0 = performance.now();
        const report = await checkDrift(env, eb.deps, { repo: 'bench/gitops' });
        times.push(performance.now() - t0);
        const after = await requestCounts(bc.api);
        requests.push(tally(before, after, ['configmaps', 'secrets', 'namespaces']).total);
        if (report.outOfSync.length)
          throw new Error(`drift pass found drift: ${report.outOfSync.join(', ')}`);
      }
      results.push({ apps: size, ms: median(times), requests: median(requests) });
    }
    console.log(
      `\ndrift pass: apps x ${OBJECTS} objects, median of ${passes} passes (${await loadAverage()})`,
    );
    for (const r of results)
      console.log(
        `  ${String(r.apps).padStart(4)} apps  ${r.ms.toFixed(0).padStart(6)} ms  ${r.requests} requests (${(r.requests / r.apps).toFixed(1)} per app, ${(r.requests / (r.apps * OBJECTS)).toFixed(2)} per object)`,
      );
    const load = await loadAverage();
    const hundred = results.find((r) => r.apps === 100) ?? results.at(-1)!;
    const twenty = results.find((r) => r.apps === 20) ?? results[0]!;
    const perApp = results.map((r) => r.requests / r.apps);
    return [
      result(
        'drift',
        Math.round(hundred.ms) / 1000,
        's',
        { op: '<', value: 10 },
        `one drift pass over ${hundred.apps} apps x ${OBJECTS} objects, median of ${passes}; ${load}`,
      ),
      result(
        'drift/pass-ms',
        Math.round(twenty.ms),
        'ms',
        undefined,
        `${twenty.apps} apps x ${OBJECTS} objects`,
      ),
      ...results.map((r) =>
        result(
          `drift/pass-${r.apps}-apps-ms`,
          Math.round(r.ms),
          'ms',
          undefined,
          `${r.requests} API requests`,
        ),
      ),
      result(
        'drift/requests-per-app',
        Math.max(...perApp),
        'requests',
        { op: '<=', value: 4 },
        `per app of ${OBJECTS} objects in 2 kinds, one namespace: LISTs per kind x namespace, not per object (${perApp.map((x) => x.toFixed(1)).join(', ')} for ${results.map((r) => r.apps).join(', ')} apps)`,
      ),
    ];
  } finally {
    await bc.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { apps: { type: 'string' }, passes: { type: 'string' } } });
  const rows = await run({
    apps: values.apps?.split(',').map(Number),
    passes: values.passes ? Number(values.passes) : undefined,
  });
  console.log(resultTable(rows));
}
