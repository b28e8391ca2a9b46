/** The `engine` benchmark as rows: throughput (first sync) and no-op, each as a ratio to kubectl. */
import { type BenchResult, result } from './bench-result.ts';
import { type BenchEngineSyncOptions, benchEngineSync } from './engine-sync.ts';

export async function benchEngineRows(options: BenchEngineSyncOptions = {}): Promise<BenchResult[]> {
  const objects = options.objects ?? 500;
  const r = await benchEngineSync({ ...options, objects });
  const how = `${objects} ConfigMaps, 3 waves, same control plane`;
  return [
    result(
      'throughput',
      Math.round((r.syncwaveFirstMs / r.kubectlFirstMs) * 100) / 100,
      'x kubectl',
      { op: '<=', value: 0.5 },
      `first sync ${Math.round(r.syncwaveFirstMs)} ms vs kubectl apply --server-side ${Math.round(r.kubectlFirstMs)} ms, ${how}`,
    ),
    result(
      'no-op',
      Math.round((r.syncwaveNoopMs / r.kubectlNoopMs) * 100) / 100,
      'x kubectl',
      { op: '<=', value: 0.1 },
      `no-op ${Math.round(r.syncwaveNoopMs)} ms vs kubectl ${Math.round(r.kubectlNoopMs)} ms, ${how}`,
    ),
    result('throughput/syncwave-ms', Math.round(r.syncwaveFirstMs), 'ms', undefined, how),
    result('no-op/syncwave-ms', Math.round(r.syncwaveNoopMs), 'ms', undefined, how),
  ];
}
