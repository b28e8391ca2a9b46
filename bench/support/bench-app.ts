import type { AppSpec } from '../../engine/app-spec.ts';
import { DEFAULT_SYNC_OPTIONS } from '../../engine/config/sync-options.ts';
import type { KubeObject } from '../../engine/model.ts';
import type { Cluster, StateStore } from '../../engine/ports.ts';
import { type SyncAppResult, syncApp } from '../../engine/sync/sync-app.ts';

export function benchAppSpec(name: string, namespace: string): AppSpec {
  const env = { name: 'bench', branch: 'main', cluster: 'local' };
  return {
    name,
    env,
    path: `apps/${name}`,
    namespace,
    wave: 0,
    helm: { releaseName: name, valueFiles: [], values: {}, parameters: [], skipCrds: false },
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

export const realClock = {
  now: () => new Date(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The engine's sync of one app, in this process; throws unless it succeeds. */
export async function syncBenchApp(input: {
  app: AppSpec;
  objects: readonly KubeObject[];
  cluster: Cluster;
  state: StateStore;
  concurrency: number;
  revision?: string;
}): Promise<Extract<SyncAppResult, { status: 'done' }>> {
  const r = await syncApp(
    {
      app: input.app,
      revision: input.revision ?? 'r1',
      initiator: 'manual',
      request: { prune: true, dryRun: false, force: false },
      cluster: input.cluster,
      state: input.state,
      clock: realClock,
      log: quiet,
      historyLimit: 10,
      pollIntervalMs: 100,
      concurrency: input.concurrency,
    },
    input.objects,
  );
  if (r.status !== 'done' || r.phase !== 'Succeeded')
    throw new Error(`bench sync of ${input.app.name} did not succeed: ${JSON.stringify(r).slice(0, 400)}`);
  return r;
}
