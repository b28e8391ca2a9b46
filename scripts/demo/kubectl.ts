// The real kubectl (from the kubectl Lambda layer the engine also uses), against a kubeconfig.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';

const run = promisify(execFile);

/** A kubeconfig file, or a file and one of its contexts. */
export type KubeTarget = string | { kubeconfig: string; context?: string };

export async function kubectl(target: KubeTarget, args: string[]): Promise<string> {
  const { kubectl: bin } = await ensureTools();
  const kubeconfig = typeof target === 'string' ? target : target.kubeconfig;
  const context = typeof target === 'string' ? undefined : target.context;
  try {
    const { stdout } = await run(bin, context ? ['--context', context, ...args] : args, {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      maxBuffer: 64 << 20,
    });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

export async function kubectlJson<T>(target: KubeTarget, args: string[]): Promise<T> {
  return JSON.parse(await kubectl(target, [...args, '-o', 'json'])) as T;
}

export interface DeploymentJson {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: {
    replicas: number;
    template: {
      spec: {
        containers: Array<{ name: string; image: string; env?: Array<{ name: string; value?: string }> }>;
      };
    };
  };
  status: {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    observedGeneration?: number;
  };
  metadata_generation?: number;
}

export interface ReplicaSetJson {
  metadata: { name: string; creationTimestamp: string; annotations?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
  status: { replicas?: number; readyReplicas?: number };
}
