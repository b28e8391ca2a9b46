// `syncwave serve` killed (SIGKILL) while a job runs, with a late delivery of an older commit
// queued behind it: after a restart on the same data directory the tip is deployed, the late
// job is superseded, and no app is synced twice.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServeEnv, serveEnv } from '../support/serve-env.ts';

let s: ServeEnv;

async function edit(path: string, fn: (text: string) => string): Promise<void> {
  const file = join(s.repo.dir, path);
  await writeFile(file, fn(await readFile(file, 'utf8')));
}

beforeAll(async () => {
  // No drift rounds after the first: only webhooks (and the restart's first round) queue jobs.
  s = await serveEnv('rst', { driftInterval: '1h' });
});

afterAll(async () => {
  await s?.stop();
});

it('survives SIGKILL mid-queue: after a restart the tip is deployed, the older job superseded, nothing synced twice', async () => {
  const first = await s.push();
  expect(first.answer.status).toBe(202);
  await s.waitSynced(['database', 'backend', 'frontend'], first.sha);
  const count = async (app: string) => (await s.history(app)).length;
  expect([await count('database'), await count('backend'), await count('frontend')]).toEqual([1, 1, 1]);

  // Two commits: job 2 (the tip, its webhook first) and job 1's delivery arriving late, queued
  // behind it. Commit 1 touches database (wave 0), backend (wave 1) and frontend (wave 2); commit 2
  // frontend only. Backend's rollout waits minReadySeconds per pod, so job 2 stays at the gate
  // before wave 2 for seconds after backend's sync is recorded, however fast the machine: the
  // kill below lands there, not in a race with the job's end.
  await edit('apps/database/configmap.yaml', (t) => `${t.replace(/\n*$/, '\n')}  restart-test: "1"\n`);
  await edit('apps/backend/base/deployment.yaml', (t) =>
    t
      .replace('  replicas: 2\n', '  replicas: 2\n  minReadySeconds: 6\n')
      .replace('backend:1.4.0', 'backend:1.4.1'),
  );
  await edit('apps/frontend/values.yaml', (t) => t.replace('tag: "2.0.0"', 'tag: "2.0.1"'));
  const sha1 = await s.repo.commitAll('database and frontend');
  await edit('apps/frontend/values-dev.yaml', (t) => t.replace('replicaCount: 1', 'replicaCount: 2'));
  const job2 = await s.push('frontend x2');
  const late1 = await s.webhook(first.sha, sha1);
  expect([job2.answer.status, late1.status]).toEqual([202, 202]);
  const id2 = job2.answer.body.jobs?.[0]?.id ?? '';
  const id1 = late1.body.jobs?.[0]?.id ?? '';

  // Kill serve while job 2 waits for backend's health, after database and backend are synced.
  const deadline = Date.now() + 30_000;
  let state = await s.api.job(id2);
  while (Date.now() < deadline) {
    state = await s.api.job(id2);
    if (state.state === 'running' && (await count('database')) === 2 && (await count('backend')) === 2) break;
    if (state.state === 'done') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(state.state, 'job 2 should still be running when serve is killed').toBe('running');
  await s.serve.kill('SIGKILL');

  await s.restart();
  await s.waitSynced(['frontend'], job2.sha, { timeoutMs: 90_000 });
  const waitDone = async (id: string) => {
    const until = Date.now() + 30_000;
    while ((await s.api.job(id)).state !== 'done') {
      if (Date.now() > until) throw new Error(`job ${id} not done`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await waitDone(id1);
  await waitDone(id2);

  // Job 2, continued after the restart, syncs nothing twice (database was synced before the
  // kill); the late job 1 is no longer the tip: superseded, it deploys nothing.
  expect((await s.api.job(id1)).result?.outcome).toBe('superseded');
  expect(await count('database')).toBe(2);
  expect(await count('backend')).toBe(2);
  const frontend = await s.history('frontend');
  expect(frontend.map((h) => h.revision)).toEqual([job2.sha, first.sha]);
  expect((await s.history('database')).map((h) => h.revision)).toEqual([job2.sha, first.sha]);
  expect((await s.history('backend')).map((h) => h.revision)).toEqual([job2.sha, first.sha]);
  expect(
    await s.kubectl([
      'get',
      'deployment',
      'frontend',
      '-n',
      s.ns('frontend'),
      '-o',
      'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}',
    ]),
  ).toBe('2 ghcr.io/example/frontend:2.0.1');
  const log = await readFile(s.logFile, 'utf8');
  expect(log).toContain('requeued jobs left running by the last stop');
});
