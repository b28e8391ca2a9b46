// The hostile corpus (test/hostile/cases.ts) as pushes a worker runs: runJob with a real git
// repository per case, the real helm and kubectl under the default render network policy, and
// the real control plane (test/global-setup.ts). Every job must fail naming the file, record
// the failure once (a Failed history entry, the environment's last job, so the poll does not
// retry it), apply nothing, and show the canary secret in no result, log, state or commit status.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalGitSource } from '../../adapters/git/local-git-source.ts';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { MemoryStateStore } from '../../adapters/local/memory-state-store.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../adapters/tools/process-tool-runner.ts';
import type { EngineDeps } from '../../engine/index.ts';
import { runJob } from '../../engine/index.ts';
import { HOSTILE_CASES, type HostileCase } from './cases.ts';
import { type HostileWorld, hostileRepo, hostileWorld } from './support/hostile-repo.ts';

let tmp: string;
let world: HostileWorld;
let cluster: KubeCluster;
let tools: ProcessToolRunner;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'syncwave-hostile-sync-'));
  world = await hostileWorld(tmp);
  cluster = await KubeCluster.fromKubeconfig({ kubeconfigPath: process.env.KUBECONFIG });
  tools = new ProcessToolRunner({ tools: await ensureTools(), homeDir: join(tmp, 'home') });
});
afterAll(async () => {
  await tools?.close();
  await world?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** Pushes the case's commit as a job for its own environment; everything the worker said is kept. */
async function push(c: HostileCase, i: number | string) {
  const env = { name: `hostile${process.pid % 1000}x${i}`, prefix: `h${process.pid % 1000}x${i}-` };
  const repo = await hostileRepo(join(tmp, `repo-${i}`), c, world, env);
  const state = new MemoryStateStore();
  const logs: unknown[] = [];
  const statuses: unknown[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    logs.push({ level, message, fields });
  const deps: EngineDeps = {
    source: await LocalGitSource.open({ path: repo.dir, cacheDir: join(tmp, 'cache') }),
    clusterFor: async () => cluster,
    state,
    tools,
    notifier: { commitStatus: async (s) => void statuses.push(s) },
    clock: { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    cacheDir: join(tmp, 'cache'),
    owner: `hostile-${i}`,
    pollIntervalMs: 300,
  };
  const revision = await repo.head();

  const result = await runJob(
    {
      id: `hostile-${i}`,
      repo: 'example/hostile',
      env: env.name,
      revision,
      changedPaths: 'all',
      reason: 'push',
      enqueuedAt: new Date().toISOString(),
    },
    deps,
  );
  return { env, state, logs, statuses, revision, result };
}

describe('hostile pushes against the real control plane', () => {
  it('(control) a harmless push of the same shape is applied', async () => {
    const c: HostileCase = {
      name: 'harmless',
      apps: '  - { name: fine, path: apps/fine, syncPolicy: { automated: { prune: true }, syncOptions: [CreateNamespace=true] } }',
      files: {
        'apps/fine/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: fine }\ndata: { a: "1" }\n',
      },
      names: 'apps/fine/cm.yaml',
      stage: 'render',
    };
    const { env, result } = await push(c, 'control');

    expect(result.outcome).toBe('succeeded');
    const applied = await cluster.list('v1', 'ConfigMap', { labelSelector: `syncwave.io/env=${env.name}` });
    expect(applied.map((o) => o.metadata.name)).toEqual(['fine']);
  });

  it.each(HOSTILE_CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const { env, state, logs, statuses, revision, result } = await push(c, i);

    expect(result.outcome).toBe('failed');
    expect(result.message).toContain(c.names);
    expect(result.message).not.toMatch(/unexpected error/);
    expect((await state.getEnvironment(env.name))?.lastJob).toMatchObject({ revision, outcome: 'failed' });
    const apps = await state.listApps(env.name);
    const history = (await Promise.all(apps.map((a) => state.listHistory(env.name, a.app)))).flat();
    if (c.stage === 'render') {
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ phase: 'Failed', revision });
      expect(history[0]?.message).toContain(c.names);
    } else {
      expect(history).toEqual([]);
    }
    const applied = await cluster.list('v1', 'ConfigMap', { labelSelector: `syncwave.io/env=${env.name}` });
    expect(applied).toEqual([]);
    const everything = JSON.stringify({ result, logs, statuses, apps, history });
    expect(everything).not.toContain(world.canary);
    expect(world.internalRequests).toEqual([]);
  });
});
