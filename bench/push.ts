/**
 * Push to applied (issue 13, item 1): `syncwave serve` on a private control plane with the
 * example repository; each push changes the frontend's image tag (a one-app change) and is
 * delivered as a signed GitHub webhook. Measured from the webhook request to the sync's end
 * (its history entry's finishedAt, serve's clock, same machine) and to the app reported Healthy
 * (polled every 50 ms).
 *
 *   npx tsx bench/push.ts [--pushes 20]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchResult, median, result, resultTable } from './bench-result.ts';
import { benchCluster } from './support/bench-cluster.ts';
import { EXAMPLES_DIR } from './support/examples.ts';
import { serveBench, until } from './support/serve-bench.ts';
import { loadAverage, nameSuffix, percentile } from './support/stats.ts';

export async function run(opts: { pushes?: number; kubeconfig?: string } = {}): Promise<BenchResult[]> {
  const pushes = opts.pushes ?? 20;
  const bc = await benchCluster('push', { kubeconfig: opts.kubeconfig });
  const sb = await serveBench(bc, {
    from: EXAMPLES_DIR,
    env: `push${nameSuffix(bc.shared).replace('-', '')}`,
  });
  bc.track(...['database', 'backend', 'frontend'].map((a) => `${sb.env}-${a}`));
  try {
    const first = await sb.push();
    const all = ['database', 'backend', 'frontend'];
    const synced = (sha: string, healthy: boolean) => (apps: Awaited<ReturnType<typeof sb.apps>>) =>
      all.every((n) =>
        apps.some(
          (a) => a.app === n && a.syncedRevision === sha && (!healthy || a.health.status === 'Healthy'),
        ),
      );
    await until(() => sb.apps(), synced(first.sha, true), { timeoutMs: 180_000, what: 'first deploy' });
    const applied: number[] = [];
    const healthy: number[] = [];
    const values = join(sb.repo.dir, 'apps/frontend/values.yaml');
    for (let i = 1; i <= pushes; i++) {
      await writeFile(values, (await readFile(values, 'utf8')).replace(/tag: "[^"]+"/, `tag: "2.1.${i}"`));
      const p = await sb.push(`frontend 2.1.${i}`);
      const entry = await until(
        async () => (await sb.api.history('frontend', sb.env)).history.find((h) => h.revision === p.sha),
        (h) => h !== undefined && h.phase !== 'Running',
        { timeoutMs: 60_000, what: `push ${i} applied` },
      );
      if (entry?.phase !== 'Succeeded') throw new Error(`push ${i}: ${entry?.phase} ${entry?.message}`);
      applied.push(new Date(entry.finishedAt ?? 0).getTime() - p.sentAt);
      await until(
        () => sb.apps(),
        (apps) =>
          apps.some(
            (a) => a.app === 'frontend' && a.syncedRevision === p.sha && a.health.status === 'Healthy',
          ),
        { timeoutMs: 60_000, what: `push ${i} healthy` },
      );
      healthy.push(Date.now() - p.sentAt);
    }
    const rss = (await sb.peakRss()) / 2 ** 20;
    const how = `${pushes} one-app pushes through serve, signed webhooks, ${await loadAverage()}; serve peak RSS ${rss.toFixed(0)} MiB`;
    return [
      result(
        'push',
        Math.round(median(applied)) / 1000,
        's',
        { op: '<', value: 1 },
        `webhook -> sync finished, p50; ${how}`,
      ),
      result('push/applied-p50-ms', Math.round(median(applied)), 'ms', undefined, how),
      result('push/applied-p95-ms', Math.round(percentile(applied, 95)), 'ms', undefined, how),
      result(
        'push/healthy-p50-ms',
        Math.round(median(healthy)),
        'ms',
        undefined,
        'webhook -> app Healthy (polled every 50 ms)',
      ),
      result(
        'push/healthy-p95-ms',
        Math.round(percentile(healthy, 95)),
        'ms',
        undefined,
        'webhook -> app Healthy',
      ),
      result('push/serve-peak-rss', Math.round(rss), 'MiB', undefined, 'VmHWM of the serve process'),
    ];
  } finally {
    await sb.stop();
    await bc.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { pushes: { type: 'string' } } });
  console.log(resultTable(await run({ pushes: values.pushes ? Number(values.pushes) : undefined })));
}
