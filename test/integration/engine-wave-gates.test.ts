// Wave gates that survive superseding jobs, against the real control plane and a real git
// repository: an app that never becomes healthy fails the job after its timeout, counted
// from when its wave finished, however many pushes to other apps supersede the job waiting
// for it, between app waves and inside one app; a push that fixes the stuck app converges.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Job, JobResult } from '../../engine/index.ts';
import { runJob } from '../../engine/index.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

const HEALTH_TIMEOUT_S = 10;
const APP_TIMEOUT_S = 20;

async function setFile(t: EngineEnv, path: string, edit: (text: string) => string): Promise<void> {
  const file = join(t.repo.dir, path);
  const before = await readFile(file, 'utf8');
  const after = edit(before);
  expect(after, `${path} unchanged`).not.toBe(before);
  await writeFile(file, after);
}

const setDb = (t: EngineEnv, value: string) =>
  setFile(t, 'apps/database/configmap.yaml', (s) => s.replace(/POSTGRES_DB: .*/, `POSTGRES_DB: ${value}`));

const NO_NODE = '    spec:\n      nodeSelector: { example.com/no-such-node: "true" }\n      containers:';

function pushJob(t: EngineEnv, revision: string): Job {
  return {
    id: `push-${revision.slice(0, 7)}-${Math.random()}`,
    repo: 'example/gitops',
    env: t.env,
    revision,
    changedPaths: 'all',
    reason: 'push',
    enqueuedAt: new Date().toISOString(),
  };
}

/** One slice of a job, as serve runs it (1 s here, far shorter than the health timeout). */
const slice = (t: EngineEnv, job: Job) => runJob(job, t.deps, { deadline: new Date(Date.now() + 1000) });

/** Runs slices of a job until it ends, or until `until` says stop (after a 'continue'). */
async function runSlices(
  t: EngineEnv,
  job: Job,
  until: (r: JobResult) => Promise<boolean> | boolean = () => false,
): Promise<JobResult> {
  const started = Date.now();
  for (;;) {
    const result = await slice(t, job);
    if (result.outcome !== 'continue' || (await until(result))) return result;
    if (Date.now() - started > 90_000) throw new Error(`job ${job.id} never ended: ${result.message}`);
  }
}

describe('a wave gate survives superseding jobs', () => {
  let t: EngineEnv;

  beforeAll(async () => {
    t = await engineEnv('gates');
    const first = await t.push('first deploy');
    expect(first.outcome, first.message).toBe('succeeded');
  });

  it('an app that never becomes healthy fails the job after its timeout while pushes to other apps supersede it', async () => {
    await setFile(t, 'syncwave.yaml', (s) =>
      s.replace('wave: 1, syncPolicy: {', `wave: 1, syncPolicy: { healthTimeout: ${HEALTH_TIMEOUT_S}s,`),
    );
    await setFile(t, 'apps/backend/base/deployment.yaml', (s) =>
      s.replace('    spec:\n      containers:', NO_NODE),
    );
    const a = pushJob(t, await t.repo.commitAll('job A: backend never schedules'));
    // Job A syncs wave 0 and wave 1, then waits at the gate after wave 1 (backend Progressing).
    const waiting = await runSlices(t, a, async () => {
      return (await t.state.getEnvironment(t.env))?.inProgress?.gate?.wave === 1;
    });
    expect(waiting.outcome, waiting.message).toBe('continue');
    const gate = (await t.state.getEnvironment(t.env))?.inProgress?.gate;
    expect(gate?.apps).toEqual(['backend']);
    const timeoutAt = new Date(gate?.timeoutAt ?? 0).getTime();

    // Push B (database only) while A waits: A's next slice is superseded and leaves its gate open.
    await setDb(t, 'app-b');
    const b = pushJob(t, await t.repo.commitAll('push B: database only'));
    expect((await slice(t, a)).outcome).toBe('superseded');
    expect((await t.state.getEnvironment(t.env))?.openGates).toMatchObject([
      { wave: 1, apps: ['backend'], timeoutAt: gate?.timeoutAt, jobId: a.id },
    ]);
    // B syncs database, then waits at A's gate before frontend (wave 2); push C supersedes B.
    const bWaiting = await runSlices(t, b, (r) => /^app wave 1: /.test(r.message));
    expect(bWaiting.outcome, bWaiting.message).toBe('continue');
    expect((await t.state.getEnvironment(t.env))?.inProgress?.appsDone).toEqual(['database']);
    await setDb(t, 'app-c');
    const c = pushJob(t, await t.repo.commitAll('push C: database only'));
    expect((await slice(t, b)).outcome).toBe('superseded');

    // C inherits the same deadline: it fails once A's timeout passes, naming the object.
    const ended = await runSlices(t, c);
    const endedAt = Date.now();
    expect(ended.outcome, ended.message).toBe('failed');
    expect(ended.message).toMatch(
      /^app wave 1: timed out waiting for health: Deployment\/[^ ]+\/backend \(Progressing/,
    );
    expect(ended.message).toContain(`its gate opened by job ${a.id}`);
    expect(ended.message).toMatch(/app wave\(s\) 2 not synced$/);
    expect(endedAt).toBeGreaterThanOrEqual(timeoutAt);
    // Not a new wait of its own: C ends within a few polls of A's deadline.
    expect(endedAt - timeoutAt).toBeLessThan(HEALTH_TIMEOUT_S * 1000);
    // The other app is deployed at C; frontend (after the unhealthy wave) is not.
    const db = await t.cluster.get('v1', 'ConfigMap', 'postgres-config', t.ns('database'));
    expect(db?.data).toMatchObject({ POSTGRES_DB: 'app-c' });
    expect((await t.state.getApp(t.env, 'database'))?.syncedRevision).toBe(c.revision);
    expect((await t.state.getApp(t.env, 'frontend'))?.syncedRevision).not.toBe(c.revision);
    // The failure is reported once: the gate is closed, the next push starts clean.
    const env = await t.state.getEnvironment(t.env);
    expect(env?.openGates).toBeUndefined();
    expect(env?.lastJob).toMatchObject({ id: c.id, outcome: 'failed' });
  });

  it('a push that fixes the stuck app, superseding the job waiting for it: every app converges', async () => {
    await setFile(t, 'apps/backend/base/deployment.yaml', (s) =>
      s.replace('image: ghcr.io/example/backend:1.4.0', 'image: ghcr.io/example/backend:1.4.1'),
    );
    const e = pushJob(t, await t.repo.commitAll('job E: backend 1.4.1, still never schedules'));
    const waiting = await runSlices(t, e, async () => {
      return (await t.state.getEnvironment(t.env))?.inProgress?.gate?.wave === 1;
    });
    expect(waiting.outcome, waiting.message).toBe('continue');
    await setFile(t, 'apps/backend/base/deployment.yaml', (s) =>
      s.replace(NO_NODE, '    spec:\n      containers:'),
    );
    const f = pushJob(t, await t.repo.commitAll('push F: backend schedules again'));
    expect((await slice(t, e)).outcome).toBe('superseded');
    expect((await t.state.getEnvironment(t.env))?.openGates).toMatchObject([
      { wave: 1, apps: ['backend'], jobId: e.id },
    ]);
    // F syncs backend itself: E's gate is not F's to wait out; backend's own gate starts now.
    const done = await runSlices(t, f);
    expect(done.outcome, done.message).toBe('succeeded');
    for (const app of ['backend', 'frontend']) {
      const state = await t.state.getApp(t.env, app);
      expect(state, app).toMatchObject({ syncStatus: 'Synced', syncedRevision: f.revision });
    }
    expect((await t.state.getApp(t.env, 'database'))?.syncStatus).toBe('Synced');
    expect((await t.state.getApp(t.env, 'backend'))?.health.status).toBe('Healthy');
    expect(await t.state.getEnvironment(t.env)).toMatchObject({
      lastRevision: f.revision,
      inProgress: undefined,
      openGates: undefined,
    });
  });

  it('inside an app: a wave that never becomes healthy keeps its deadline when a push to another app supersedes the job', async () => {
    // backend gets a second sync wave, so its own sync waits for wave 0 (never schedules).
    await t.repo.write(
      'apps/backend/base/late.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: backend-late\n  annotations: { argocd.argoproj.io/sync-wave: "1" }\ndata: { a: "1" }\n',
    );
    await setFile(t, 'apps/backend/base/kustomization.yaml', (s) =>
      s.replace('  - service.yaml\n', '  - service.yaml\n  - late.yaml\n'),
    );
    await setFile(t, 'apps/backend/base/deployment.yaml', (s) =>
      s.replace('    spec:\n      containers:', NO_NODE),
    );
    // A longer timeout here, so that G can wait 8 s before H is pushed.
    await setFile(t, 'syncwave.yaml', (s) =>
      s.replace(`healthTimeout: ${HEALTH_TIMEOUT_S}s,`, `healthTimeout: ${APP_TIMEOUT_S}s,`),
    );
    const g = pushJob(t, await t.repo.commitAll('job G: backend wave 0 never schedules'));
    const operation = () => t.state.getOperation(t.env, 'backend');
    await runSlices(t, g, async () => (await operation())?.stage === 'wait');
    const appliedAt = new Date((await operation())?.groupAppliedAt ?? 0).getTime();
    const deadline = appliedAt + APP_TIMEOUT_S * 1000;
    // G goes on waiting a while: a new wait started after this would end 8 s or more after G's
    // deadline, more than a slice's render and a poll under load.
    const waited = await runSlices(t, g, () => Date.now() > appliedAt + 8000);
    expect(waited.outcome, waited.message).toBe('continue');
    await setDb(t, 'app-h');
    const h = pushJob(t, await t.repo.commitAll('push H: database only'));
    expect((await slice(t, g)).outcome).toBe('superseded');
    // H syncs database, and continues backend's operation (same inputs): G's deadline holds.
    const ended = await runSlices(t, h);
    const endedAt = Date.now();
    expect(ended.outcome, ended.message).toBe('failed');
    expect(ended.message).toMatch(
      /backend: Sync wave 0: timed out waiting for health: Deployment\/[^ ]+\/backend \(Progressing/,
    );
    expect(endedAt).toBeGreaterThanOrEqual(deadline);
    expect(endedAt - deadline).toBeLessThan(6000);
    expect(await operation()).toBeUndefined();
    const [last] = await t.state.listHistory(t.env, 'backend', 1);
    expect(last).toMatchObject({ revision: h.revision, phase: 'Failed' });
    expect(await t.cluster.get('v1', 'ConfigMap', 'backend-late', t.ns('backend'))).toBeUndefined();
    const db = await t.cluster.get('v1', 'ConfigMap', 'postgres-config', t.ns('database'));
    expect(db?.data).toMatchObject({ POSTGRES_DB: 'app-h' });
  });
});
