import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import type { KubeObject } from '../../engine/model.ts';
import { startCluster } from '../../harness/cluster.ts';
import type { ApiServer } from './apiserver-metrics.ts';

const exec = promisify(execFile);

export interface BenchCluster {
  dir: string;
  kubeconfigPath: string;
  /** The kubeconfig's current context. */
  context: string;
  api: ApiServer;
  /** True when the control plane is shared (smoke runs): its request counters are not ours alone. */
  shared: boolean;
  /** A fresh client (its own discovery cache and connections), as a new process would have. */
  client(): Promise<KubeCluster>;
  /** `kubectl apply --server-side` of the objects (one file), with its own discovery cache dir; wall ms. */
  kubectlApply(objects: readonly KubeObject[], label: string): Promise<number>;
  /** Namespaces to delete at stop() on a shared control plane (left as found). */
  track(...namespaces: string[]): void;
  stop(): Promise<void>;
}

/** Server, bearer token and CA of an admin kubeconfig with a static token (the harness writes such). */
async function apiServerOf(kubeconfigPath: string): Promise<{ api: ApiServer; context: string }> {
  const doc = parse(await readFile(kubeconfigPath, 'utf8')) as {
    'current-context': string;
    clusters: Array<{
      cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string };
    }>;
    users: Array<{ user: { token?: string } }>;
  };
  const c = doc.clusters[0]?.cluster;
  if (!c) throw new Error(`${kubeconfigPath}: no cluster`);
  const ca = c['certificate-authority-data']
    ? Buffer.from(c['certificate-authority-data'], 'base64')
    : await readFile(c['certificate-authority'] ?? '');
  return {
    api: { server: c.server, token: doc.users[0]?.user.token ?? '', ca },
    context: doc['current-context'],
  };
}

/**
 * A private control plane for one benchmark (nothing else talks to it, so its request counters
 * are ours), or the given one (`kubeconfig`: smoke runs on the test control plane).
 */
export async function benchCluster(name: string, opts: { kubeconfig?: string } = {}): Promise<BenchCluster> {
  const dir = await mkdtemp(join(tmpdir(), `sw-bench-${name}-`));
  const running = opts.kubeconfig
    ? undefined
    : await startCluster({ dir: join(dir, 'cluster'), name: `bench-${name}` });
  const kubeconfigPath = opts.kubeconfig ?? (running?.kubeconfigPath as string);
  const { api, context } = await apiServerOf(kubeconfigPath);
  const { kubectl } = await ensureTools();
  const tracked = new Set<string>();
  return {
    dir,
    kubeconfigPath,
    context,
    api,
    shared: running === undefined,
    client: () => KubeCluster.fromKubeconfig({ kubeconfigPath }),
    async kubectlApply(objects, label) {
      const file = join(dir, `${label}.yaml`);
      await writeFile(file, objects.map((o) => stringify(o)).join('---\n'));
      const start = performance.now();
      await exec(
        kubectl,
        [
          '--kubeconfig',
          kubeconfigPath,
          '--cache-dir',
          join(dir, `kubectl-cache-${label}`),
          'apply',
          '--server-side',
          '--field-manager',
          'bench-kubectl',
          '-f',
          file,
        ],
        { maxBuffer: 64 << 20 },
      );
      return performance.now() - start;
    },
    track: (...namespaces) => {
      for (const ns of namespaces) tracked.add(ns);
    },
    async stop() {
      if (running) return running.stop();
      const client = await KubeCluster.fromKubeconfig({ kubeconfigPath });
      for (const ns of tracked)
        await client
          .delete('v1', 'Namespace', ns, undefined, { propagationPolicy: 'Background' })
          .catch(() => undefined);
      client.close();
    },
  };
}
