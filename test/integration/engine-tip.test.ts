// Tip semantics and waits that end, against the real control plane and a real git repository:
// an environment follows its branch (late and duplicate deliveries, force-push rollbacks, bursts
// of pushes, apps left behind by a job cut short), and a wave that never becomes healthy fails
// after its timeout however often the job is continued.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Job, JobResult, KubeObject } from '../../engine/index.ts';
import { runJob } from '../../engine/index.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

async function setFile(t: EngineEnv, path: string, edit: (text: string) => string): Promise<void> {
  const file = join(t.repo.dir, path);
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

const setDb = (t: EngineEnv, value: string) =>
  setFile(t, 'apps/database/configmap.yaml', (s) => s.replace(/POSTGRES_DB: .*/, `POSTGRES_DB: ${value}`));

async function dbConfig(t: EngineEnv): Promise<KubeObject | undefined> {
  return t.cluster.get('v1', 'ConfigMap', 'postgres-config', t.ns('database'));
}

function pushJob(t: EngineEnv, revision: string, over: Partial<Job> = {}): Job {
  return {
    id: `push-${revision.slice(0, 7)}-${Math.random()}`,
    repo: 'example/gitops',
    env: t.env,
    revision,
    changedPaths: 'all',
    reason: 'push',
    enqueuedAt: new Date().toISOString(),
    ...over,
  };
}

describe('an environment follows its branch', () => {
  let t: EngineEnv;

  beforeAll(async () => {
    t = await engineEnv('tip');
    const first = await t.push('first deploy');
    expect(first.outcome, first.message).toBe('succeeded');
  });

  it('a late delivery of an older commit changes nothing', async () => {
    const old = await t.repo.head();
    await setDb(t, 'app-late');
    const tip = await t.repo.commitAll('db app-late');
    expect((await t.run({ revision: tip })).outcome).toBe('succeeded');
    const before = await dbConfig(t);
    const entries = (await t.state.listHistory(t.env, 'database')).length;
    const late = await t.run({ revision: old });
    expect(late.outcome).toBe('superseded');
    expect(late.apps).toEqual([]);
    expect((await dbConfig(t))?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
    expect((await t.state.getEnvironment(t.env))?.lastRevision).toBe(tip);
    expect(await t.state.listHistory(t.env, 'database')).toHaveLength(entries);
    // The same delivery twice: nothing to do the second time.
    expect((await t.run({ revision: tip })).outcome).toBe('skipped');
  });

  it('a force-push back to an older commit (git reset) is deployed', async () => {
    const good = await t.repo.head();
    await setDb(t, 'app-bad');
    const bad = await t.repo.commitAll('db app-bad');
    expect((await t.run({ revision: bad })).outcome).toBe('succeeded');
    expect((await dbConfig(t))?.data).toMatchObject({ POSTGRES_DB: 'app-bad' });
    await t.repo.git('reset', '-q', '--hard', good);
    const back = await t.run({ revision: good });
    expect(back.outcome, back.message).toBe('succeeded');
    expect(back.apps.map((a) => a.app)).toEqual(['database']);
    expect((await dbConfig(t))?.data).toMatchObject({ POSTGRES_DB: 'app-late' });
    expect((await t.state.getEnvironment(t.env))?.lastRevision).toBe(good);
    expect((await t.state.getApp(t.env, 'database'))?.syncedRevision).toBe(good);
  });

  it('20 pushes in quick succession: ends on the last, each job synced or superseded', async () => {
    const queue: Job[] = [];
    const results: JobResult[] = [];
    let pushing = true;
    // One worker takes the jobs in order while the pushes go on, as the FIFO queue would.
    const worker = (async () => {
      while (pushing || queue.length) {
        const job = queue.shift();
        if (!job) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        results.push(await runJob(job, t.deps));
      }
    })();
    const revisions: string[] = [];
    for (let i = 1; i <= 20; i++) {
      await setDb(t, `app-${i}`);
      const sha = await t.repo.commitAll(`db app-${i}`);
      revisions.push(sha);
      queue.push(pushJob(t, sha));
    }
    pushing = false;
    await worker;
    expect(results).toHaveLength(20);
    expect(results.filter((r) => !['succeeded', 'superseded'].includes(r.outcome))).toEqual([]);
    expect(results.at(-1)?.outcome).toBe('succeeded');
    expect((await dbConfig(t))?.data).toMatchObject({ POSTGRES_DB: 'app-20' });
    expect((await t.state.getEnvironment(t.env))?.lastRevision).toBe(revisions.at(-1));
    const synced = new Set(results.filter((r) => r.outcome === 'succeeded').map((r) => r.revision));
    const history = await t.state.listHistory(t.env, 'database', 50);
    for (const h of history.filter((e) => revisions.includes(e.revision)))
      expect(synced.has(h.revision)).toBe(true);
  });

  it('a job cut at its deadline in wave 0, then a push to other apps: every app converges', async () => {
    await setDb(t, 'app-a');
    await setFile(t, 'apps/backend/base/service.yaml', (s) =>
      s.replace('  labels:\n', '  annotations:\n    example.com/change: job-a\n  labels:\n'),
    );
    await setFile(t, 'apps/database/statefulset.yaml', (s) =>
      s.replace(
        '  template:\n    metadata:\n',
        '  template:\n    metadata:\n      annotations: { example.com/change: job-a }\n',
      ),
    );
    const a = await t.repo.commitAll('job A: database and backend');
    const jobA = pushJob(t, a);
    // A deadline already passed: wave 0 is applied, then the job stops at the gate before wave 1.
    const cut = await runJob(jobA, t.deps, { deadline: new Date() });
    expect(cut.outcome, cut.message).toBe('continue');
    expect(cut.apps.map((x) => x.app)).toEqual(['database']);
    await setFile(t, 'apps/frontend/values-dev.yaml', (s) => s.replace('value: debug', 'value: info'));
    const b = await t.repo.commitAll('push B: frontend only');
    const followUp = await runJob(jobA, t.deps);
    expect(followUp.outcome).toBe('superseded');
    const jobB = await runJob(pushJob(t, b, { changedPaths: ['apps/frontend/values-dev.yaml'] }), t.deps);
    expect(jobB.outcome, jobB.message).toBe('succeeded');
    expect(jobB.apps.map((x) => x.app)).toEqual(['backend', 'frontend']);
    const svc = await t.cluster.get('v1', 'Service', 'backend', t.ns('backend'));
    expect(svc?.metadata.annotations).toMatchObject({ 'example.com/change': 'job-a' });
    for (const app of ['database', 'backend', 'frontend'])
      expect((await t.state.getApp(t.env, app))?.syncStatus).toBe('Synced');
    expect((await t.state.getApp(t.env, 'backend'))?.syncedRevision).toBe(b);
    expect(await t.state.getEnvironment(t.env)).toMatchObject({ lastRevision: b, inProgress: undefined });
  });

  it('an app that never becomes healthy fails after its timeout, naming the object, across continuations', async () => {
    await setFile(t, 'syncwave.yaml', (s) =>
      s.replace('wave: 1, syncPolicy: {', 'wave: 1, syncPolicy: { healthTimeout: 4s,'),
    );
    expect(await readFile(join(t.repo.dir, 'syncwave.yaml'), 'utf8')).toContain('healthTimeout: 4s');
    await setFile(t, 'apps/backend/base/deployment.yaml', (s) =>
      s.replace(
        '    spec:\n      containers:',
        '    spec:\n      nodeSelector: { example.com/no-such-node: "true" }\n      containers:',
      ),
    );
    const sha = await t.repo.commitAll('backend never schedules');
    const job = pushJob(t, sha);
    let result: JobResult;
    let continuations = 0;
    const started = Date.now();
    for (;;) {
      // Slices of 1 s: far shorter than the 4 s timeout, so only a saved deadline can end it.
      result = await runJob(job, t.deps, { deadline: new Date(Date.now() + 1000) });
      if (result.outcome !== 'continue') break;
      continuations += 1;
      if (Date.now() - started > 60_000) throw new Error('the job never ended');
    }
    expect(result.outcome, result.message).toBe('failed');
    expect(continuations).toBeGreaterThanOrEqual(2);
    expect(result.message).toMatch(
      /^app wave 1: timed out waiting for health: Deployment\/[^ ]+\/backend \(Progressing/,
    );
    expect(result.message).toMatch(/app wave\(s\) 2 not synced/);
    expect((await t.state.getEnvironment(t.env))?.lastRevision).not.toBe(sha);
  });

  it('an invalid object fails the sync at once with the API server message: one request, no retry', async () => {
    await t.repo.write(
      'apps/database/invalid.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_Valid_Name\ndata: {}\n',
    );
    const sha = await t.repo.commitAll('database: an invalid object');
    const applies: string[] = [];
    const counting = new Proxy(t.cluster, {
      get(target, prop, receiver) {
        if (prop !== 'apply') {
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return (obj: KubeObject, opts: { dryRun: boolean }) => {
          applies.push(`${obj.metadata.name}${opts.dryRun ? ' (dry run)' : ''}`);
          return target.apply(obj, opts as never);
        };
      },
    });
    const result = await runJob(pushJob(t, sha), { ...t.deps, clusterFor: async () => counting });
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(
      /ConfigMap\/[^ ]+\/Not_A_Valid_Name: apply rejected as invalid \(HTTP 422 Invalid\)/,
    );
    expect(result.message).toMatch(/a lowercase RFC 1123 subdomain must consist of/);
    expect(applies.filter((a) => a.startsWith('Not_A_Valid_Name'))).toEqual(['Not_A_Valid_Name (dry run)']);
    expect(applies.filter((a) => !a.endsWith('(dry run)'))).toEqual([]);
  });
});
