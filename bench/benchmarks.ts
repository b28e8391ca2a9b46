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
    name: 'engine',
    description: 'first sync and no-op of 500 ConfigMaps in 3 waves vs kubectl apply --server-side',
    needsCluster: true,
    run: async ({ smoke }) =>
      (await import('./engine-rows.ts')).benchEngineRows({ objects: smoke ? 12 : 500 }),
  },
  {
    name: 'cost',
    description: 'monthly AWS bill of the model in docs/cost.md, from the other rows and published prices',
    needsCluster: false,
    run: async ({ results }) => (await import('./cost-model.ts')).benchCost([...results]),
  },
];
