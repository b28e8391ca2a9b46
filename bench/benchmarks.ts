/**
 * Every benchmark of `npm run bench`, by name. Each returns rows (bench/bench-result.ts); `smoke`
 * asks for the smallest run that still exercises the whole benchmark (the smoke test in
 * npm test), with no meaning for its numbers.
 */
import type { BenchResult } from './bench-result.ts';

export interface BenchContext {
  smoke: boolean;
  /** Rows known so far: bench-results.json from earlier runs, updated by this run's benchmarks. */
  results: readonly BenchResult[];
  /** A running control plane for benchmarks that need one; each starts its own when absent. */
  kubeconfig?: string;
}

export interface Benchmark {
  name: string;
  description: string;
  /** Needs the control plane binaries (~/.cache/syncwave/bin). */
  needsCluster: boolean;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

export const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'startup',
    description: 'syncwave --help installed, through npx, and from the clone',
    needsCluster: false,
    run: async ({ smoke }) =>
      (await import('./startup-cli.ts')).benchStartup(smoke ? { runs: 1, installed: false } : {}),
  },
  {
    name: 'bundle',
    description: 'Lambda bundles: size and cold init; the CLI bundle size',
    needsCluster: false,
    run: async ({ smoke }) =>
      (await import('./bundle-rows.ts')).benchBundles(smoke ? { runs: 1, sdkModes: ['runtime'] } : {}),
  },
  {
    name: 'push',
    description: 'push to applied through serve: signed webhook -> sync finished and -> Healthy, p50/p95',
    needsCluster: true,
    run: async ({ smoke, kubeconfig }) =>
      (await import('./push.ts')).run({ pushes: smoke ? 2 : 20, kubeconfig }),
  },
  {
    name: 'throughput',
    description:
      'first sync and no-op of 500 objects in 3 waves vs kubectl apply --server-side, writes from apiserver metrics',
    needsCluster: true,
    run: async ({ smoke, kubeconfig }) =>
      (await import('./throughput.ts')).run(
        smoke ? { objects: 12, runs: 1, kubeconfig } : { objects: 500, runs: 3 },
      ),
  },
  {
    name: 'drift',
    description: 'drift pass time and API requests, 10 to 200 apps x 20 objects',
    needsCluster: true,
    run: async ({ smoke, kubeconfig }) =>
      (await import('./drift.ts')).run(smoke ? { apps: [2], passes: 1, kubeconfig } : {}),
  },
  {
    name: 'render',
    description: 'Helm and Kustomize render time per app, dependency cache miss and hit',
    needsCluster: false,
    run: async ({ smoke }) => (await import('./render.ts')).run({ runs: smoke ? 1 : 5 }),
  },
  {
    name: 'memory',
    description: 'peak RSS of whole syncwave sync processes: 25 Kustomize services, 500 objects',
    needsCluster: true,
    run: async ({ smoke, kubeconfig }) =>
      (await import('./memory.ts')).run(smoke ? { smoke, kubeconfig } : {}),
  },
  {
    name: 'scale',
    description:
      'one-ConfigMap apps through serve, all changed by one push, and their no-op (1,000 apps; SYNCWAVE_BENCH_SCALE=1000,3000,10000 for more)',
    needsCluster: true,
    run: async ({ smoke, kubeconfig }) =>
      (await import('./scale.ts')).run(
        smoke
          ? { apps: [5], kubeconfig }
          : { apps: (process.env.SYNCWAVE_BENCH_SCALE ?? '1000').split(',').map(Number) },
      ),
  },
  {
    name: 'cost',
    description: 'monthly AWS bill of the model in docs/cost.md, from the other rows and published prices',
    needsCluster: false,
    run: async ({ results }) => (await import('./cost-model.ts')).benchCost([...results]),
  },
];
