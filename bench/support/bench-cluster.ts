import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import type { KubeObject } from '../../engine/model.ts';
import { type RunningCluster, startCluster } from '../../harness/cluster.ts';

const exec = promisify(execFile);

export interface BenchCluster {
  dir: string;
  cluster: RunningCluster;
  /** A fresh client (its own discovery cache and connections), as a new process would have. */
  client(): Promise<KubeCluster>;
  /** `kubectl apply --server-side` of the objects (one file), with its own discovery cache dir. */
  kubectlApply(objects: readonly KubeObject[], label: string): Promise<number>;
  stop(): Promise<void>;
}

/** A private control plane for one benchmark (nothing else talks to it, so its metrics are ours). */
export async function benchCluster(name: string): Promise<BenchCluster> {
  const dir = await mkdtemp(join(tmpdir(), `sw-bench-${name}-`));
  const cluster = await startCluster({ dir: join(dir, 'cluster'), name: `bench-${name}` });
  const { kubectl } = await ensureTools();
  return {
    dir,
    cluster,
    client: () => KubeCluster.fromKubeconfig({ kubeconfigPath: cluster.kubeconfigPath }),
    async kubectlApply(objects, label) {
      const file = join(dir, `${label}.yaml`);
      await writeFile(file, objects.map((o) => stringify(o)).join('---\n'));
      const start = performance.now();
      await exec(
        kubectl,
        [
          '--kubeconfig',
          cluster.kubeconfigPath,
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
    stop: () => cluster.stop(),
  };
}
