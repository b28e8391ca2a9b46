// `syncwave serve` killed (SIGKILL) while a job runs, with a second job queued behind it:
// after a restart on the same data directory both complete, and no app is synced twice.
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

it('survives SIGKILL mid-queue: both jobs complete after a restart, none synced twice', async () => {
  const first = await s.push();
  expect(first.answer.status).toBe(202);
  await s.waitSynced(['database', 'backend', 'frontend'], first.sha);
  const count = async (app: string) => (await s.history(app)).length;
  expect([await count('database'), await count('backend'), await count('frontend')]).toEqual([1, 1, 1]);

  // Job 1 touches database (wave 0) and frontend (wave 2); job 2 frontend only.
  await edit('apps/database/configmap.yaml', (t) => `${t.replace(/\n*$/, '\n')}  restart-test: "1"\n`);
  await edit('apps/frontend/values.yaml', (t) => t.replace('tag: "2.0.0"', 'tag: "2.0.1"'));
  const job1 = await s.push('database and frontend');
  await edit('apps/frontend/values-dev.yaml', (t) => t.replace('replicaCount: 1', 'replicaCount: 2'));
  const job2 = await s.push('frontend x2');
  expect([job1.answer.status, job2.answer.status]).toEqual([202, 202]);
  const id1 = job1.answer.body.jobs?.[0]?.id ?? '';
  const id2 = job2.answer.body.jobs?.[0]?.id ?? '';

  // Kill serve while job 1 runs (after its first wave if we see it, which is the harder case).
  const deadline = Date.now() + 20_000;
  let state = await s.api.job(id1);
  while (Date.now() < deadline) {
    state = await s.api.job(id1);
    if (state.state === 'running' && (await count('database')) === 2) break;
    if (state.state === 'done') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(state.state, 'job 1 should still be running when serve is killed').toBe('running');
  await s.serve.kill('SIGKILL');
  expect((await s.api.job(id2).catch(() => undefined))?.state).toBeUndefined();

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

  // database: the first deploy + job 1; backend untouched; frontend: first deploy + job 1 + job 2.
  expect(await count('database')).toBe(2);
  expect(await count('backend')).toBe(1);
  const frontend = await s.history('frontend');
  expect(frontend.map((h) => h.revision)).toEqual([job2.sha, job1.sha, first.sha]);
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
