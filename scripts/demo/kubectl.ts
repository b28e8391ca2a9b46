// The real kubectl (from the kubectl Lambda layer the engine also uses), against a kubeconfig.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';

const run = promisify(execFile);

export async function kubectl(kubeconfig: string, args: string[]): Promise<string> {
  const { kubectl: bin } = await ensureTools();
  try {
    const { stdout } = await run(bin, args, {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      maxBuffer: 64 << 20,
    });
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

export async function kubectlJson<T>(kubeconfig: string, args: string[]): Promise<T> {
  return JSON.parse(await kubectl(kubeconfig, [...args, '-o', 'json'])) as T;
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
