// A real engine for integration tests: the example GitOps repository in a git repo on
// disk (real git), real helm/kubectl, the real control plane from global-setup, and an
// in-memory state store. Each call gets its own environment names and namespaces.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalGitSource } from '../../adapters/git/index.ts';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { MemoryStateStore } from '../../adapters/local/memory-state-store.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../adapters/tools/process-tool-runner.ts';
import type { RenderNetworkPolicy } from '../../adapters/tools/render-network-policy.ts';
import type { EngineDeps, Job, JobResult } from '../../engine/index.ts';
import { runJob } from '../../engine/index.ts';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';

export const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;

export interface EngineEnv {
  repo: GitWorkRepo;
  deps: EngineDeps;
  cluster: KubeCluster;
  state: MemoryStateStore;
  /** Environment name used for the develop branch. */
  env: string;
  /** Namespace of an app in that environment. */
  ns(app: string): string;
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
  /** Commits the working tree on develop and runs a push job for it. */
  push(message: string, opts?: { changedPaths?: string[] | 'all' }): Promise<JobResult>;
  run(job: Partial<Job>): Promise<JobResult>;
}

let counter = 0;

export interface EngineEnvOptions {
  /** Widens the render network policy (a chart repository on loopback needs `127.0.0.1/32`). */
  network?: RenderNetworkPolicy;
}

export async function engineEnv(name: string, opts: EngineEnvOptions = {}): Promise<EngineEnv> {
  const id = `${name}${process.pid % 1000}${counter++}`;
  const env = `${id}`;
  const dir = await mkdtemp(join(tmpdir(), `sw-${name}-`));
  const repo = await createWorkRepo({ dir: join(dir, 'repo'), from: EXAMPLES, branches: ['develop'] });
  const config = (await readFile(join(repo.dir, 'syncwave.yaml'), 'utf8'))
    .replace(/^ {2}dev: .*$/m, `  ${env}: { branch: develop, cluster: test, namespacePrefix: ${id}- }`)
    .replace(/^ {2}prod: .*$/m, '');
  await writeFile(
    join(repo.dir, 'syncwave.yaml'),
    config.replaceAll('values-${env}.yaml', 'values-dev.yaml'),
  );
  await repo.commitAll('test environment');
  const tools = await ensureTools();
  const cluster = await KubeCluster.fromKubeconfig({ kubeconfigPath: process.env.KUBECONFIG });
  const state = new MemoryStateStore();
  const logs: EngineEnv['logs'] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    logs.push({ level, message, fields });
  const deps: EngineDeps = {
    source: await LocalGitSource.open({ path: repo.dir, cacheDir: join(dir, 'cache') }),
    clusterFor: async () => cluster,
    state,
    tools: new ProcessToolRunner({ tools, homeDir: join(dir, 'home'), network: opts.network }),
    clock: { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    cacheDir: join(dir, 'cache'),
    owner: `test-${id}`,
    pollIntervalMs: 300,
  };
  const run = async (job: Partial<Job>): Promise<JobResult> =>
    runJob(
      {
        id: `job-${Date.now()}-${Math.random()}`,
        repo: 'example/gitops',
        env,
        revision: await repo.head(),
        changedPaths: 'all',
        reason: 'push',
        enqueuedAt: new Date().toISOString(),
        ...job,
      },
      deps,
    );
  return {
    repo,
    deps,
    cluster,
    state,
    env,
    ns: (app) => `${id}-${app}`,
    logs,
    run,
    async push(message, opts = {}) {
      const sha = await repo.commitAll(message);
      return run({ revision: sha, changedPaths: opts.changedPaths ?? 'all' });
    },
  };
}
