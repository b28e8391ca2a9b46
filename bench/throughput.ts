/**
 * Apply throughput and no-op (issue 13, items 2 and 3): the engine's first sync of 500 objects
 * (Deployments, Services, ConfigMaps in 3 waves) and a no-op re-sync of the same, beside
 * `kubectl apply --server-side` of the same objects on the same private control plane, in the
 * same run. Requests are counted from the API server's own `apiserver_request_total`.
 *
 *   npx tsx bench/throughput.ts [--objects 500] [--runs 3] [--concurrency 4,8,16,32]
 *
 * Waves: ConfigMaps 0, Services 1, Deployments 2 (replicas 0): the waits between waves find
 * everything healthy at the first look, and the last wave is not waited for, so health waits
 * cost one LIST per wave and no sleeping.
 */
import { parseArgs } from 'node:util';
import { MemoryStateStore } from '../adapters/local/memory-state-store.ts';
import type { KubeObject } from '../engine/model.ts';
import type { Cluster } from '../engine/ports.ts';
import { DEFAULT_CONCURRENCY } from '../engine/sync/sync-context.ts';
import { type BenchResult, median, result, resultTable } from './bench-result.ts';
import { requestCounts, tally } from './support/apiserver-metrics.ts';
import { benchAppSpec, syncBenchApp } from './support/bench-app.ts';
import { benchCluster } from './support/bench-cluster.ts';
import { loadAverage, nameSuffix } from './support/stats.ts';

const RESOURCES = ['configmaps', 'services', 'deployments', 'namespaces'];

/** `count` objects in `ns`: a third each of ConfigMaps (wave 0), Services (1), Deployments (2). */
export function throughputObjects(ns: string, count: number): KubeObject[] {
  return Array.from({ length: count }, (_, i): KubeObject => {
    const name = `obj-${String(i).padStart(4, '0')}`;
    const labels = { app: name };
    const kind = i % 3;
    const metadata = { name, namespace: ns, labels, annotations: { 'syncwave.io/sync-wave': String(kind) } };
    if (kind === 0)
      return {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata,
        data: { index: String(i), payload: 'x'.repeat(200) },
      };
    if (kind === 1)
      return {
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
        spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
      };
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 0,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] },
        },
      },
    };
  });
}

/** Until the Deployment controller has seen every Deployment of the namespace (status written). */
async function settled(cluster: Cluster, ns: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const items = await cluster.list('apps/v1', 'Deployment', { namespace: ns });
    const behind = items.filter(
      (d) =>
        ((d.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? 0) <
        (d.metadata.generation ?? 1),
    );
    if (!behind.length) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface ThroughputOptions {
  objects?: number;
  runs?: number;
  /** Concurrencies to sweep for the first sync (the first of them is used for the comparison). */
  concurrency?: number[];
  /** A running control plane (smoke); a private one unless given. */
  kubeconfig?: string;
}

export async function run(opts: ThroughputOptions = {}): Promise<BenchResult[]> {
  const count = opts.objects ?? 500;
  const runs = opts.runs ?? 3;
  const sweep = opts.concurrency ?? [DEFAULT_CONCURRENCY];
  const bc = await benchCluster('throughput', { kubeconfig: opts.kubeconfig });
  const sfx = nameSuffix(bc.shared);
  try {
    const first: number[] = [];
    const noop: number[] = [];
    const kFirst: number[] = [];
    const kNoop: number[] = [];
    const noopWrites: number[] = [];
    const noopDryRuns: number[] = [];
    const noopRequests: number[] = [];
    const afterFirst: number[] = [];
    const afterFirstDryRuns: number[] = [];
    const firstRequests: number[] = [];
    const bySweep = new Map<number, number[]>();
    for (let r = 0; r < runs; r++) {
      for (const concurrency of sweep) {
        const ns = `sw-${r}-c${concurrency}${sfx}`;
        bc.track(ns);
        const app = benchAppSpec(`tp-${r}-${concurrency}`, ns);
        const state = new MemoryStateStore();
        const cluster = await bc.client();
        const objects = throughputObjects(ns, count);
        const before = await requestCounts(bc.api);
        const t0 = performance.now();
        await syncBenchApp({ app, objects, cluster, state, concurrency });
        const ms = performance.now() - t0;
        bySweep.set(concurrency, [...(bySweep.get(concurrency) ?? []), ms]);
        if (concurrency !== sweep[0]) {
          cluster.close();
          continue;
        }
        first.push(ms);
        firstRequests.push(tally(before, await requestCounts(bc.api), RESOURCES).total);
        await settled(cluster, ns);
        // The first re-sync dry-runs the Deployments the controller wrote status to since; it
        // records their new versions, so the one after it is the steady no-op a poll or drift pass sees.
        const b1 = await requestCounts(bc.api);
        const t1 = performance.now();
        await syncBenchApp({ app, objects, cluster: await bc.client(), state, concurrency });
        afterFirst.push(performance.now() - t1);
        const t1c = tally(b1, await requestCounts(bc.api), RESOURCES);
        afterFirstDryRuns.push(t1c.dryRuns);
        noopWrites.push(t1c.writes);
        const fresh = await bc.client();
        const b2 = await requestCounts(bc.api);
        const t2 = performance.now();
        await syncBenchApp({ app, objects, cluster: fresh, state, concurrency });
        noop.push(performance.now() - t2);
        const t = tally(b2, await requestCounts(bc.api), RESOURCES);
        noopWrites.push(t.writes);
        noopDryRuns.push(t.dryRuns);
        noopRequests.push(t.total);
        cluster.close();
        fresh.close();
      }
      const kns = `kc-${r}${sfx}`;
      bc.track(kns);
      const kObjects = [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: kns } },
        ...throughputObjects(kns, count),
      ];
      kFirst.push(await bc.kubectlApply(kObjects, kns));
      await settled(await bc.client(), kns);
      kNoop.push(await bc.kubectlApply(kObjects, kns));
    }
    const load = await loadAverage();
    console.log(`\nthroughput: ${count} objects in 3 waves, ${runs} runs, medians (${load})`);
    console.log(
      `  syncwave first sync ${median(first).toFixed(0)} ms (${median(firstRequests)} requests to these kinds), kubectl ${median(kFirst).toFixed(0)} ms`,
    );
    console.log(
      `  syncwave re-sync right after (controllers wrote status since) ${median(afterFirst).toFixed(0)} ms (${median(afterFirstDryRuns)} dry-runs)`,
    );
    console.log(
      `  syncwave no-op      ${median(noop).toFixed(0)} ms (${median(noopRequests)} requests: ${median(noopWrites)} writes, ${median(noopDryRuns)} dry-runs), kubectl ${median(kNoop).toFixed(0)} ms`,
    );
    if (sweep.length > 1)
      for (const [c, xs] of bySweep)
        console.log(`  first sync at concurrency ${String(c).padStart(2)}: ${median(xs).toFixed(0)} ms`);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const how = `${count} objects (ConfigMaps, Services, Deployments) in 3 waves, median of ${runs}, ${load}`;
    const rows: BenchResult[] = [
      result(
        'throughput',
        r2(median(first) / median(kFirst)),
        'x kubectl',
        { op: '<=', value: 0.5 },
        `first sync ${Math.round(median(first))} ms vs kubectl apply --server-side ${Math.round(median(kFirst))} ms, concurrency ${sweep[0]}; ${how}`,
      ),
      result('throughput/syncwave-ms', Math.round(median(first)), 'ms', undefined, how),
      result('throughput/kubectl-ms', Math.round(median(kFirst)), 'ms', undefined, how),
      ...[...bySweep].map(([c, xs]) =>
        result(
          `throughput/concurrency-${c}-ms`,
          Math.round(median(xs)),
          'ms',
          undefined,
          `first sync at concurrency ${c}`,
        ),
      ),
      result(
        'no-op',
        r2(median(noop) / median(kNoop)),
        'x kubectl',
        { op: '<=', value: 0.1 },
        `no-op ${Math.round(median(noop))} ms (${median(noopRequests)} requests) vs kubectl ${Math.round(median(kNoop))} ms; ${how}`,
      ),
      result(
        'no-op/write-requests',
        Math.max(...noopWrites),
        'requests',
        { op: '<=', value: 0 },
        bc.shared
          ? 'shared control plane: counts include other clients'
          : 'apiserver_request_total, writes to the synced kinds, both re-syncs',
      ),
      result(
        'no-op/after-first-sync-ms',
        Math.round(median(afterFirst)),
        'ms',
        undefined,
        `the re-sync right after the first: ${median(afterFirstDryRuns)} dry-runs of objects controllers wrote status to`,
      ),
    ];
    return rows;
  } finally {
    await bc.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { objects: { type: 'string' }, runs: { type: 'string' }, concurrency: { type: 'string' } },
  });
  const rows = await run({
    objects: values.objects ? Number(values.objects) : undefined,
    runs: values.runs ? Number(values.runs) : undefined,
    concurrency: values.concurrency?.split(',').map(Number),
  });
  console.log(resultTable(rows));
}
