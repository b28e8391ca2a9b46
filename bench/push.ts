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
import { benchCluster } from './support/bench-cluster.ts';
import { type BenchRow, loadAverage, median, percentile, printRows } from './support/bench-row.ts';
import { EXAMPLES_DIR } from './support/examples.ts';
import { serveBench, until } from './support/serve-bench.ts';

export async function run(opts: { pushes?: number } = {}): Promise<BenchRow[]> {
  const pushes = opts.pushes ?? 20;
  const bc = await benchCluster('push');
  const sb = await serveBench(bc, { from: EXAMPLES_DIR, env: 'push' });
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
    console.log(
      `\npush to applied: ${pushes} one-app pushes through serve (${await loadAverage()}); serve peak RSS ${((await sb.peakRss()) / 2 ** 20).toFixed(0)} MiB`,
    );
    console.log(
      `  applied  p50 ${median(applied).toFixed(0)} ms  p95 ${percentile(applied, 95).toFixed(0)} ms`,
    );
    console.log(
      `  healthy  p50 ${median(healthy).toFixed(0)} ms  p95 ${percentile(healthy, 95).toFixed(0)} ms`,
    );
    const p50 = median(applied) / 1000;
    const rows: BenchRow[] = [
      { name: 'push/webhook-to-applied-p50', value: p50, unit: 's', target: '< 1 s', met: p50 < 1 },
      {
        name: 'push/webhook-to-applied-p95',
        value: percentile(applied, 95) / 1000,
        unit: 's',
        target: '(reported)',
        met: true,
      },
      {
        name: 'push/webhook-to-healthy-p50',
        value: median(healthy) / 1000,
        unit: 's',
        target: '(reported)',
        met: true,
      },
    ];
    printRows('push to applied', rows);
    return rows;
  } finally {
    await sb.stop();
    await bc.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { pushes: { type: 'string' } } });
  await run({ pushes: values.pushes ? Number(values.pushes) : undefined });
}
