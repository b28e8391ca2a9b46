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
import { requestCounts, tally } from './support/apiserver-metrics.ts';
import { benchCluster } from './support/bench-cluster.ts';
import { type BenchRow, loadAverage, median, printRows } from './support/bench-row.ts';
import { engineBench, writeRepoFile } from './support/engine-bench.ts';

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

function config(apps: number): string {
  const lines = [
    'environments:',
    '  bench: { branch: develop, cluster: bench, namespacePrefix: drift- }',
    'apps:',
  ];
  for (let i = 0; i < apps; i++)
    lines.push(
      `  - { name: a${i}, path: apps/a${i}, namespace: a${i}, syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: [CreateNamespace=true] } }`,
    );
  return `${lines.join('\n')}\n`;
}

export async function run(opts: { apps?: number[]; passes?: number } = {}): Promise<BenchRow[]> {
  const sizes = opts.apps ?? [10, 50, 100, 200];
  const passes = opts.passes ?? 3;
  const bc = await benchCluster('drift');
  try {
    const eb = await engineBench(bc, { name: 'drift' });
    const env = { name: 'bench', branch: 'develop', cluster: 'bench' };
    const results: Array<{ apps: number; ms: number; requests: number }> = [];
    let written = 0;
    for (const size of sizes) {
      for (; written < size; written++)
        await writeRepoFile(eb.repo, `apps/a${written}/objects.yaml`, appManifests(`a${written}`));
      await writeRepoFile(eb.repo, 'syncwave.yaml', config(size));
      await eb.push(`${size} apps`);
      const times: number[] = [];
      const requests: number[] = [];
      for (let p = 0; p < passes; p++) {
        const before = await requestCounts(bc.cluster);
        const t0 = performance.now();
        const report = await checkDrift(env, eb.deps, { repo: 'bench/gitops' });
        times.push(performance.now() - t0);
        const after = await requestCounts(bc.cluster);
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
    const hundred = results.find((r) => r.apps === 100) ?? results.at(-1);
    const perApp = results.map((r) => r.requests / r.apps);
    const flat = Math.max(...perApp) <= Math.min(...perApp) * 1.1 + 0.5;
    const rows: BenchRow[] = [
      {
        name: `drift/pass-${hundred?.apps}x${OBJECTS}`,
        value: (hundred?.ms ?? 0) / 1000,
        unit: 's',
        target: '< 10 s (100 x 20)',
        met: (hundred?.ms ?? Infinity) < 10_000,
      },
      {
        name: 'drift/requests-per-app',
        value: perApp.at(-1) ?? 0,
        unit: 'requests',
        target: 'flat in apps, < objects',
        met: flat && (perApp.at(-1) ?? Infinity) < OBJECTS,
      },
    ];
    printRows('drift pass', rows);
    return rows;
  } finally {
    await bc.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { apps: { type: 'string' }, passes: { type: 'string' } } });
  await run({
    apps: values.apps?.split(',').map(Number),
    passes: values.passes ? Number(values.passes) : undefined,
  });
}
