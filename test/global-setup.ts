// vitest globalSetup for the `integration` project: one real control plane (etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler, kwok) shared by every integration
// test file. Tests isolate themselves with their own namespaces.
//
// The kubeconfig path reaches tests as inject('kubeconfig') and as process.env.KUBECONFIG.
// Set SYNCWAVE_KEEP_CLUSTER_DIR=1 to keep the work dir (component logs) after the run.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startCluster } from '../harness/cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

export default async function setup({ provide }: Pick<TestProject, 'provide'>): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'syncwave-cluster-'));
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  try {
    cluster = await startCluster({ dir, name: 'syncwave-test' });
  } catch (err) {
    process.stderr.write(`[global-setup] control plane failed to start; logs in ${join(dir, 'logs')}\n`);
    throw err;
  }
  process.env.KUBECONFIG = cluster.kubeconfigPath;
  provide('kubeconfig', cluster.kubeconfigPath);
  return async () => {
    await cluster.stop();
    if (process.env.SYNCWAVE_KEEP_CLUSTER_DIR) {
      process.stderr.write(`[global-setup] cluster dir kept: ${dir}\n`);
    } else {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
