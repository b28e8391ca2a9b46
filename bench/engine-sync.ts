/**
 * Engine benchmark: a sync of 500 objects across 3 waves and a no-op re-sync of the same,
 * beside `kubectl apply --server-side` of the same objects on the same control plane.
 * The ratio is what counts (both pay the same API server).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { KubeCluster } from '../adapters/kube/kube-cluster.ts';
import { MemoryStateStore } from '../adapters/local/memory-state-store.ts';
import { ensureTools } from '../adapters/tools/ensure-tools.ts';
import type { AppSpec } from '../engine/app-spec.ts';
import { DEFAULT_SYNC_OPTIONS } from '../engine/config/sync-options.ts';
import type { KubeObject } from '../engine/model.ts';
import { syncApp } from '../engine/sync/sync-app.ts';
import { startCluster } from '../harness/cluster.ts';

const run = promisify(execFile);
const WAVES = 3;

function objects(ns: string, count: number): KubeObject[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `cm-${String(i).padStart(3, '0')}`,
      namespace: ns,
      annotations: { 'syncwave.io/sync-wave': String(i % WAVES) },
    },
    data: { index: String(i), payload: 'x'.repeat(200) },
  }));
}

function appSpec(ns: string): AppSpec {
  const env = { name: 'bench', branch: 'main', cluster: 'local' };
  return {
    name: 'bench',
    env,
    path: 'bench',
    namespace: ns,
    wave: 0,
    helm: { releaseName: 'bench', valueFiles: [], values: {}, parameters: [], skipCrds: false },
    directory: { recurse: true },
    syncPolicy: {
      automated: { prune: true, selfHeal: true, allowEmpty: false },
      syncOptions: { ...DEFAULT_SYNC_OPTIONS, createNamespace: true },
      healthTimeoutSeconds: 120,
    },
    ignoreDifferences: [],
    extraPaths: [],
    declaredIn: 'bench',
  };
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const out = await fn();
  return [performance.now() - start, out];
}

export interface EngineSyncTimes {
  syncwaveFirstMs: number;
  syncwaveNoopMs: number;
  kubectlFirstMs: number;
  kubectlNoopMs: number;
}

export interface BenchEngineSyncOptions {
  /** 500 unless told; the smoke test uses a few. */
  objects?: number;
  /** A running control plane to use (the smoke test's); a fresh one is started when absent. */
  kubeconfig?: string;
}

export async function benchEngineSync(options: BenchEngineSyncOptions = {}): Promise<EngineSyncTimes> {
  const count = options.objects ?? 500;
  const dir = await mkdtemp(join(tmpdir(), 'sw-bench-'));
  const cluster = options.kubeconfig
    ? { kubeconfigPath: options.kubeconfig, stop: async () => {} }
    : await startCluster({ dir: join(dir, 'cluster'), name: 'bench' });
  // Namespaces of their own, so a shared control plane's other users are never touched.
  const suffix = options.kubeconfig ? `-${process.pid}-${Date.now() % 100000}` : '';
  try {
    const kube = await KubeCluster.fromKubeconfig({ kubeconfigPath: cluster.kubeconfigPath });
    const state = new MemoryStateStore();
    const clock = {
      now: () => new Date(),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    };
    const log = { debug() {}, info() {}, warn() {}, error() {} };
    const sync = (ns: string) =>
      syncApp(
        {
          app: appSpec(ns),
          revision: 'r1',
          initiator: 'manual',
          request: { prune: true, dryRun: false, force: false },
          cluster: kube,
          state,
          clock,
          log,
          historyLimit: 10,
          pollIntervalMs: 200,
          concurrency: 16,
        },
        objects(ns, count),
      );
    const [first, r1] = await time(() => sync(`bench-syncwave${suffix}`));
    const [noop, r2] = await time(() => sync(`bench-syncwave${suffix}`));
    for (const r of [r1, r2])
      if (r.status !== 'done' || r.phase !== 'Succeeded')
        throw new Error(`bench sync did not succeed: ${JSON.stringify(r).slice(0, 300)}`);
    const { kubectl } = await ensureTools();
    const file = join(dir, 'objects.yaml');
    await writeFile(
      file,
      [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-kubectl${suffix}` } },
        ...objects(`bench-kubectl${suffix}`, count),
      ]
        .map((o) => stringify(o))
        .join('---\n'),
    );
    const apply = () =>
      run(
        kubectl,
        [
          '--kubeconfig',
          cluster.kubeconfigPath,
          'apply',
          '--server-side',
          '--field-manager',
          'bench',
          '-f',
          file,
        ],
        { maxBuffer: 64 << 20 },
      );
    const [kFirst] = await time(apply);
    const [kNoop] = await time(apply);
    return { syncwaveFirstMs: first, syncwaveNoopMs: noop, kubectlFirstMs: kFirst, kubectlNoopMs: kNoop };
  } finally {
    if (options.kubeconfig) {
      // A shared control plane: leave it as found.
      const { kubectl } = await ensureTools();
      await run(kubectl, [
        '--kubeconfig',
        options.kubeconfig,
        'delete',
        'namespace',
        `bench-syncwave${suffix}`,
        `bench-kubectl${suffix}`,
        '--ignore-not-found',
        '--wait=false',
      ]).catch(() => {});
    }
    await cluster.stop();
  }
}
