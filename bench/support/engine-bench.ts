import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalGitSource } from '../../adapters/git/index.ts';
import { MemoryStateStore } from '../../adapters/local/memory-state-store.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../adapters/tools/process-tool-runner.ts';
import type { EngineDeps, Job, JobResult } from '../../engine/index.ts';
import { runJob } from '../../engine/index.ts';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';
import type { BenchCluster } from './bench-cluster.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export interface EngineBench {
  repo: GitWorkRepo;
  deps: EngineDeps;
  state: MemoryStateStore;
  /** Commits the working tree and runs a push job (every path changed) for it. */
  push(message: string): Promise<JobResult>;
}

/** The engine in this process on a bench's control plane: a git repository on disk, real helm/kubectl, memory state. */
export async function engineBench(bc: BenchCluster, opts: { name: string }): Promise<EngineBench> {
  const dir = join(bc.dir, opts.name);
  await mkdir(dir, { recursive: true });
  const repo = await createWorkRepo({ dir: join(dir, 'repo'), branches: ['develop'] });
  const state = new MemoryStateStore();
  const cluster = await bc.client();
  const deps: EngineDeps = {
    source: await LocalGitSource.open({ path: repo.dir, cacheDir: join(dir, 'cache') }),
    clusterFor: async () => cluster,
    state,
    tools: new ProcessToolRunner({ tools: await ensureTools(), homeDir: join(dir, 'home') }),
    clock: { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    log: quiet,
    cacheDir: join(dir, 'cache'),
    owner: `bench-${opts.name}`,
    pollIntervalMs: 100,
    concurrency: 16,
  };
  return {
    repo,
    deps,
    state,
    async push(message) {
      const sha = await repo.commitAll(message);
      const job: Job = {
        id: `bench-${sha}`,
        repo: 'bench/gitops',
        env: 'bench',
        revision: sha,
        changedPaths: 'all',
        reason: 'push',
        enqueuedAt: new Date().toISOString(),
      };
      const result = await runJob(job, deps);
      if (result.outcome !== 'succeeded') throw new Error(`bench job: ${result.outcome} ${result.message}`);
      return result;
    },
  };
}

/** Writes a file below the repository, creating directories. */
export async function writeRepoFile(repo: GitWorkRepo, path: string, text: string): Promise<void> {
  const file = join(repo.dir, path);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
}
