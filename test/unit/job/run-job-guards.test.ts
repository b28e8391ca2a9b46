// runJob's guards without a cluster: a real git repository on disk (LocalGitSource) and the
// in-memory state store. The cluster is never asked for: a test that reaches it fails.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalGitSource } from '../../../adapters/git/index.ts';
import { MemoryStateStore } from '../../../adapters/local/memory-state-store.ts';
import type { EngineDeps, Job } from '../../../engine/index.ts';
import { runJob } from '../../../engine/index.ts';
import { continueLater } from '../../../engine/job/finish-job.ts';
import type { JobRun } from '../../../engine/job/job-run.ts';
import { createWorkRepo, type GitWorkRepo } from '../../../harness/git-work-repo.ts';

const CONFIG = `environments:
  dev: { branch: develop, cluster: dev }
apps:
  - { name: web, path: apps/web, namespace: web, syncPolicy: { automated: { prune: true } } }
`;

let repo: GitWorkRepo;
let deps: EngineDeps;
let state: MemoryStateStore;
let clusterAsked: number;

beforeEach(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sw-guards-'));
  repo = await createWorkRepo({ dir: join(dir, 'repo'), branches: ['develop'] });
  await repo.write('syncwave.yaml', CONFIG);
  await repo.write('apps/web/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\n');
  await repo.commitAll('web');
  state = new MemoryStateStore();
  clusterAsked = 0;
  deps = {
    source: await LocalGitSource.open({ path: repo.dir, cacheDir: join(dir, 'cache') }),
    clusterFor: async () => {
      clusterAsked += 1;
      throw new Error('no cluster in this unit test');
    },
    state,
    tools: { run: async () => ({ stdout: '', stderr: 'no tools in this unit test', code: 1 }) },
    clock: { now: () => new Date('2026-01-01T00:00:00Z'), sleep: async () => undefined },
    log: { debug() {}, info() {}, warn() {}, error() {} },
    cacheDir: join(dir, 'cache'),
    owner: 'test',
  };
});

const job = (over: Partial<Job>): Job => ({
  id: `d-${Math.random()}`,
  repo: 'example/gitops',
  env: 'dev',
  revision: '',
  changedPaths: 'all',
  reason: 'push',
  enqueuedAt: '2026-01-01T00:00:00Z',
  ...over,
});

describe('runJob guards', () => {
  it('a late delivery of an older commit is superseded: nothing rendered, applied or recorded as deployed', async () => {
    const old = await repo.head();
    await repo.write('apps/web/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web2 }\n');
    const tip = await repo.commitAll('web2');
    await state.putEnvironment({ env: 'dev', lastRevision: tip, updatedAt: 'then' });
    const result = await runJob(job({ revision: old }), deps);
    expect(result.outcome).toBe('superseded');
    expect(result.message).toMatch(/no longer the tip of develop/);
    expect(clusterAsked).toBe(0);
    expect(await state.getEnvironment('dev')).toMatchObject({
      lastRevision: tip,
      lastJob: { revision: old, outcome: 'superseded' },
    });
  });

  it('a duplicate delivery of the tip, every app synced at it already, is skipped', async () => {
    const tip = await repo.head();
    await state.putApp({
      env: 'dev',
      app: 'web',
      revision: tip,
      syncedRevision: tip,
      syncStatus: 'Synced',
      health: { status: 'Healthy' },
      resources: [],
      inventory: [],
      updatedAt: 'then',
    });
    const result = await runJob(job({ revision: tip }), deps);
    expect(result).toMatchObject({ outcome: 'skipped', apps: [] });
    expect(clusterAsked).toBe(0);
    expect((await state.getEnvironment('dev'))?.lastRevision).toBe(tip);
  });

  it('an invalid syncwave.yaml fails the job and leaves lastRevision where it was', async () => {
    const before = await repo.head();
    await state.putEnvironment({ env: 'dev', lastRevision: before, updatedAt: 'then' });
    await repo.write('syncwave.yaml', 'environments: [nope\n');
    const broken = await repo.commitAll('broken');
    const result = await runJob(job({ revision: broken }), deps);
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/syncwave\.yaml/);
    expect(await state.getEnvironment('dev')).toMatchObject({
      lastRevision: before,
      lastJob: { revision: broken, outcome: 'failed' },
    });
  });

  it('another job holding the environment answers busy (a closed outcome, not a message)', async () => {
    await state.acquireLease('dev', 'someone-else', 60_000, Date.parse('2026-01-01T00:00:00Z'));
    const result = await runJob(job({ revision: await repo.head() }), deps);
    expect(result.outcome).toBe('busy');
  });
});

describe('continueLater', () => {
  it('counts continuations in the saved progress and fails the job past the bound', async () => {
    const run: JobRun = {
      job: job({ id: 'j1', revision: 'x' }),
      revision: 'x',
      deps: { ...deps, maxContinuations: 2 },
      progress: { jobId: 'j1', revision: 'x', appsDone: [] },
      result: { jobId: 'j1', env: 'dev', revision: 'x', outcome: 'succeeded', message: '', apps: [] },
    };
    expect((await continueLater(run, 'waiting for Deployment/web/web')).outcome).toBe('continue');
    expect((await state.getEnvironment('dev'))?.inProgress?.continuations).toBe(1);
    expect((await continueLater(run, 'waiting for Deployment/web/web')).outcome).toBe('continue');
    const last = await continueLater(run, 'waiting for Deployment/web/web');
    expect(last.outcome).toBe('failed');
    expect(last.message).toBe(
      'stopped after 2 continuations without finishing: waiting for Deployment/web/web',
    );
    expect((await state.getEnvironment('dev'))?.inProgress).toBeUndefined();
  });
});
