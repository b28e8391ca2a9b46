/**
 * Scale (issue 13, item 9): one-ConfigMap apps through `syncwave serve` on a private control
 * plane. For each count (the app set grows in place: 1,000, then 3,000, ...): one push that
 * changes every app's ConfigMap, timed from the signed webhook to every app synced at the new
 * commit; then a push that changes only a comment in syncwave.yaml (every app synced again,
 * nothing to write: the no-op re-sync). Peak RSS is serve's VmHWM after each count.
 *
 *   npx tsx bench/scale.ts [--apps 1000,3000,10000]
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchResult, result, resultTable } from './bench-result.ts';
import { type RequestTally, requestCounts, tally } from './support/apiserver-metrics.ts';
import { benchCluster } from './support/bench-cluster.ts';
import { serveBench, until } from './support/serve-bench.ts';
import { loadAverage, nameSuffix } from './support/stats.ts';

const MIB = 2 ** 20;

async function writeApps(dir: string, from: number, to: number, version: number): Promise<void> {
  for (let i = from; i < to; i++) {
    await mkdir(join(dir, 'apps', `a${i}`), { recursive: true });
    await writeFile(
      join(dir, 'apps', `a${i}`, 'configmap.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a${i}\ndata:\n  version: "${version}"\n`,
    );
  }
}

function config(apps: number, ns: string, comment: string, env = 'dev'): string {
  const lines = [`# ${comment}`, 'environments:', `  ${env}: { branch: develop, cluster: bench }`, 'apps:'];
  for (let i = 0; i < apps; i++)
    lines.push(
      `  - { name: a${i}, path: apps/a${i}, namespace: ${ns}, syncPolicy: { automated: { prune: true } } }`,
    );
  return `${lines.join('\n')}\n`;
}

export async function run(opts: { apps?: number[]; kubeconfig?: string } = {}): Promise<BenchResult[]> {
  const counts = opts.apps ?? [1000, 3000];
  const bc = await benchCluster('scale', { kubeconfig: opts.kubeconfig });
  const sfx = nameSuffix(bc.shared).replace('-', '');
  const ns = `scale${sfx}`;
  const seed = await mkdtemp(join(tmpdir(), 'sw-bench-scale-seed-'));
  await writeFile(join(seed, 'syncwave.yaml'), config(0, ns, 'empty').replace('apps:\n', 'apps: []\n'));
  const client = await bc.client();
  await client.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    { dryRun: false, force: false },
  );
  const sb = await serveBench(bc, { from: seed, env: `scale${sfx}` });
  const rows: BenchResult[] = [];
  try {
    let written = 0;
    let version = 0;
    // Done when the push's job is done (a cheap poll: the list of every app's state is megabytes
    // at 10,000 apps, and polling it 4 times a second loaded serve more than the sync did), then
    // every app is checked at the new commit; its time is when the job was seen done.
    const allAt = async (pushed: { sha: string; jobIds: string[] }, n: number): Promise<number> => {
      const what = `${n} apps synced at ${pushed.sha.slice(0, 7)}`;
      for (const id of pushed.jobIds)
        await until(
          () => sb.api.job(id),
          (j) => j.state === 'done',
          { timeoutMs: 10 * 60_000, intervalMs: 100, what: `job ${id}` },
        );
      const doneAt = Date.now();
      await until(
        () => sb.apps(),
        (apps) => apps.length >= n && apps.every((a) => a.syncedRevision === pushed.sha),
        { timeoutMs: 10 * 60_000, intervalMs: 1000, what },
      );
      return pushed.jobIds.length ? doneAt : Date.now();
    };
    for (const n of counts) {
      // Grow the app set to n (its first sync is not measured), then measure.
      version++;
      await writeApps(sb.repo.dir, 0, n, version);
      written = n;
      await writeFile(join(sb.repo.dir, 'syncwave.yaml'), config(n, ns, `grow to ${n}`, sb.env));
      await allAt(await sb.push(`grow to ${n} apps`), n);
      version++;
      await writeApps(sb.repo.dir, 0, written, version);
      // API requests to ConfigMaps and Namespaces by the whole push, from the API server's own counters.
      const counted = async (
        push: () => Promise<number>,
      ): Promise<{ ms: number; requests: RequestTally }> => {
        const before = await requestCounts(bc.api);
        const ms = await push();
        return { ms, requests: tally(before, await requestCounts(bc.api), ['configmaps', 'namespaces']) };
      };
      const changed = await counted(async () => {
        const change = await sb.push(`change all ${n} ConfigMaps`);
        return (await allAt(change, n)) - change.sentAt;
      });
      const changeMs = changed.ms;
      await writeFile(join(sb.repo.dir, 'syncwave.yaml'), config(n, ns, `no-op at ${n}`, sb.env));
      const noop = await counted(async () => {
        const pushed = await sb.push(`no-op for ${n} apps`);
        return (await allAt(pushed, n)) - pushed.sentAt;
      });
      const noopMs = noop.ms;
      const perApp = (t: RequestTally) =>
        `${t.total} (${t.reads} reads, ${t.dryRuns} dry runs, ${t.writes} writes): ${(t.total / n).toFixed(2)} per app`;
      const rss = (await sb.peakRss()) / MIB;
      const how = `${n} one-ConfigMap apps through serve, ${await loadAverage()}`;
      rows.push(
        result(
          `scale/${n}-apps-s`,
          Math.round(changeMs / 100) / 10,
          's',
          n === 10_000 ? { op: '<', value: 60 } : undefined,
          `one push changing every app -> all synced; ${how}`,
        ),
        result(
          `scale/${n}-apps-per-s`,
          Math.round(n / (changeMs / 1000)),
          'apps/s',
          { op: '>=', value: 170 },
          how,
        ),
        result(
          `scale/${n}-apps-no-op-s`,
          Math.round(noopMs / 100) / 10,
          's',
          n === 10_000 ? { op: '<', value: 10 } : undefined,
          `a push touching every app, nothing to write; ${how}`,
        ),
        result(
          `scale/${n}-apps-requests-per-app`,
          Math.round((changed.requests.total / n) * 100) / 100,
          'requests',
          undefined,
          `API requests to ConfigMaps and Namespaces per app of the change push: ${perApp(changed.requests)}`,
        ),
        result(
          `scale/${n}-apps-no-op-requests-per-app`,
          Math.round((noop.requests.total / n) * 100) / 100,
          'requests',
          undefined,
          `the same for the no-op push: ${perApp(noop.requests)}`,
        ),
        result(
          `scale/${n}-apps-peak-rss`,
          Math.round(rss),
          'MiB',
          n === 10_000 ? { op: '<', value: 286 } : undefined,
          'serve VmHWM so far (target 300 MB = 286 MiB at 10,000)',
        ),
      );
      console.log(
        `scale ${n}: change ${changeMs} ms, ${perApp(changed.requests)}; no-op ${noopMs} ms, ${perApp(noop.requests)}; peak RSS ${rss.toFixed(0)} MiB`,
      );
    }
    return rows;
  } finally {
    await sb.stop();
    await client
      .delete('v1', 'Namespace', ns, undefined, { propagationPolicy: 'Background' })
      .catch(() => undefined);
    client.close();
    await bc.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { apps: { type: 'string' } } });
  console.log(resultTable(await run({ apps: values.apps?.split(',').map(Number) })));
}
