// The syncwave CLI end to end against `syncwave serve` (a child process), driven by signed
// GitHub webhooks over HTTP, a real git server on loopback and the shared control plane.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDetail, HistoryResponse } from '../../cli/client/api-types.ts';
import type { JobResult } from '../../engine/job/job-result.ts';
import type { AppState } from '../../engine/state.ts';
import { BROKEN_APP, type ServeEnv, serveEnv } from '../support/serve-env.ts';

let s: ServeEnv;

/** Edits a file of the work repository. */
async function edit(path: string, fn: (text: string) => string): Promise<void> {
  const file = join(s.repo.dir, path);
  await writeFile(file, fn(await readFile(file, 'utf8')));
}

async function jobDone(id: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await s.api.job(id)).state !== 'done') {
    if (Date.now() > deadline) throw new Error(`job ${id} not done after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function replicas(app: string): Promise<number> {
  return Number(
    await s.kubectl(['get', 'deployment', app, '-n', s.ns(app), '-o', 'jsonpath={.spec.replicas}']),
  );
}

async function image(app: string): Promise<string> {
  return s.kubectl([
    'get',
    'deployment',
    app,
    '-n',
    s.ns(app),
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  ]);
}

beforeAll(async () => {
  s = await serveEnv('cli');
  // backend without self-heal and automated prune: its drift stays for `app diff`, and a
  // removed object stays until `app sync --prune`.
  await edit('syncwave.yaml', (t) =>
    t.replace(
      '{ name: backend, path: apps/backend, namespace: backend, wave: 1, syncPolicy: { automated: { prune: true, selfHeal: true }',
      '{ name: backend, path: apps/backend, namespace: backend, wave: 1, syncPolicy: { automated: { prune: false, selfHeal: false }',
    ),
  );
  expect(await readFile(join(s.repo.dir, 'syncwave.yaml'), 'utf8')).toContain(
    'prune: false, selfHeal: false',
  );
  await s.repo.commitAll('backend: no self-heal, no automated prune');
});

afterAll(async () => {
  await s?.stop();
});

describe('syncwave serve and the app commands', () => {
  it('answers 401 to an unsigned or wrongly signed webhook, and queues nothing', async () => {
    const head = await s.repo.head();
    await s.repo.push('develop');
    const unsigned = await s.webhook('0000000000000000000000000000000000000000', head, { secret: null });
    expect(unsigned.status).toBe(401);
    const wrong = await s.webhook('0000000000000000000000000000000000000000', head, {
      secret: 'not-the-secret',
    });
    expect(wrong.status).toBe(401);
    expect(unsigned.body.jobs).toBeUndefined();
  });

  it("app commands need serve's API token: read from the data directory, else 401 saying where it is", async () => {
    const { runSyncwave } = await import('../../scripts/demo/serve-process.ts');
    const elsewhere = join(s.work, 'no-such-data-dir');
    const without = await runSyncwave(['app', 'list'], {
      server: s.serve.apiUrl,
      env: { SYNCWAVE_DATA_DIR: elsewhere, SYNCWAVE_TOKEN: undefined, NO_COLOR: '1' },
    });
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/bearer token.*HTTP 401.*--data-dir DIR, --token or SYNCWAVE_TOKEN/);
    const given = await runSyncwave(['app', 'list', '--token', s.serve.token, '-o', 'json'], {
      server: s.serve.apiUrl,
      env: { SYNCWAVE_DATA_DIR: elsewhere, NO_COLOR: '1' },
    });
    expect(given.code).toBe(0);
    expect(JSON.parse(given.stdout)).toHaveProperty('apps');
    const onPublic = await runSyncwave(['app', 'list'], { server: s.serve.url, dataDir: s.serve.dataDir });
    expect(onPublic.stderr).toMatch(/HTTP 404/);
  });

  it('deploys on a signed push webhook; app list shows the apps (table and -o json)', async () => {
    const { sha, answer } = await s.push();
    expect(answer.status).toBe(202);
    expect(answer.body.jobs?.map((j) => j.env)).toEqual([s.env]);
    await s.waitSynced(['database', 'backend', 'frontend'], sha);

    const json = await s.cli(['app', 'list', '--env', s.env, '-o', 'json']);
    expect(json.code).toBe(0);
    const { apps } = JSON.parse(json.stdout) as { apps: AppState[] };
    expect(apps.map((a) => [a.app, a.syncStatus, a.health.status, a.revision]).sort()).toEqual([
      ['backend', 'Synced', 'Healthy', sha],
      ['database', 'Synced', 'Healthy', sha],
      ['frontend', 'Synced', 'Healthy', sha],
    ]);
    const table = await s.cli(['app', 'list', '--env', s.env]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/NAME\s+ENV\s+WAVE\s+SYNC\s+HEALTH/);
    expect(table.stdout).toMatch(
      new RegExp(`frontend\\s+${s.env}\\s+2\\s+Synced\\s+Healthy\\s+${sha.slice(0, 7)}`),
    );
  });

  it('app get lists resources with their health; app history lists the sync', async () => {
    const get = await s.cli(['app', 'get', 'frontend', '--env', s.env]);
    expect(get.code).toBe(0);
    expect(get.stdout).toContain('Health:        Healthy');
    expect(get.stdout).toMatch(/Deployment\s.*frontend/);
    const detail = JSON.parse(
      (await s.cli(['app', 'get', 'frontend', '--env', s.env, '-o', 'json'])).stdout,
    ) as AppDetail;
    expect(detail.app.resources.map((r) => `${r.kind}/${r.name}:${r.health?.status}`).sort()).toEqual([
      'Deployment/frontend:Healthy',
      'Service/frontend:Healthy',
    ]);

    const hist = await s.cli(['app', 'history', 'frontend', '--env', s.env, '-o', 'json']);
    const { history } = JSON.parse(hist.stdout) as HistoryResponse;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ id: 1, phase: 'Succeeded', revision: await s.repo.head() });
    expect(['push', 'poll']).toContain(history[0]?.initiator);
    const table = await s.cli(['app', 'history', 'frontend', '--env', s.env]);
    expect(table.stdout).toMatch(/ID\s+REVISION\s+INITIATOR\s+PHASE/);
  });

  it('app diff: exit 0 in sync, 1 after a manual change; app sync --dry-run changes nothing, app sync fixes it', async () => {
    expect((await s.cli(['app', 'diff', 'backend', '--env', s.env])).code).toBe(0);
    await s.kubectl(['scale', 'deployment/backend', '-n', s.ns('backend'), '--replicas=4']);
    const diff = await s.cli(['app', 'diff', 'backend', '--env', s.env]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('Deployment');
    expect(diff.stdout).toMatch(/-\s*replicas: 4/);

    const dry = await s.cli(['app', 'sync', 'backend', '--env', s.env, '--dry-run', '-o', 'json']);
    expect(dry.code).toBe(0);
    const dryResult = JSON.parse(dry.stdout) as JobResult;
    expect(dryResult.apps[0]).toMatchObject({ app: 'backend', phase: 'Skipped' });
    expect(await replicas('backend')).toBe(4);
    expect((await s.cli(['app', 'diff', 'backend', '--env', s.env])).code).toBe(1);

    const sync = await s.cli(['app', 'sync', 'backend', '--env', s.env, '-o', 'json']);
    expect(sync.code).toBe(0);
    const result = JSON.parse(sync.stdout) as JobResult;
    expect(result.apps[0]).toMatchObject({ app: 'backend', phase: 'Succeeded' });
    expect(await replicas('backend')).not.toBe(4);
    expect((await s.cli(['app', 'diff', 'backend', '--env', s.env])).code).toBe(0);
  });

  it('app sync --prune deletes an object removed from Git (automated prune is off for backend)', async () => {
    await edit('apps/backend/base/kustomization.yaml', (t) => t.replace(/^\s*- service\.yaml\n/m, ''));
    await rm(join(s.repo.dir, 'apps/backend/base/service.yaml'));
    const { sha, answer } = await s.push('backend: drop the Service');
    expect(answer.status).toBe(202);
    await jobDone(answer.body.jobs?.[0]?.id ?? '');
    // Without prune the Service stays.
    expect(await s.kubectl(['get', 'service', '-n', s.ns('backend'), '-o', 'name'])).toContain(
      'service/backend',
    );

    const sync = await s.cli(['app', 'sync', 'backend', '--env', s.env, '--prune', '-o', 'json']);
    expect(sync.code).toBe(0);
    const result = JSON.parse(sync.stdout) as JobResult;
    expect(result.revision).toBe(sha);
    const svc = result.apps[0]?.resources.find((r) => r.kind === 'Service');
    expect(svc).toMatchObject({ name: 'backend', action: 'prune' });
    expect(await s.kubectl(['get', 'service', '-n', s.ns('backend'), '-o', 'name'])).not.toContain(
      'service/backend',
    );
  });

  it('app rollback syncs an old revision and pauses automation until app resume', async () => {
    await edit('apps/frontend/values.yaml', (t) => t.replace('tag: "2.0.0"', 'tag: "2.0.1"'));
    const { sha: v201 } = await s.push('frontend 2.0.1');
    await s.waitSynced(['frontend'], v201);
    expect(await image('frontend')).toBe('ghcr.io/example/frontend:2.0.1');

    const rb = await s.cli(['app', 'rollback', 'frontend', '1', '--env', s.env]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(await image('frontend')).toBe('ghcr.io/example/frontend:2.0.0');
    const paused = (await s.apps()).find((a) => a.app === 'frontend');
    expect(paused?.automationPaused).toBe(true);
    expect((await s.cli(['app', 'list', '--env', s.env])).stdout).toContain('(paused)');
    const before = (await s.history('frontend')).length;

    // A push while paused does not sync frontend.
    await edit('apps/frontend/values-dev.yaml', (t) => t.replace('replicaCount: 1', 'replicaCount: 2'));
    const { sha: x2, answer } = await s.push('dev: frontend x2');
    await jobDone(answer.body.jobs?.[0]?.id ?? '');
    expect((await s.history('frontend')).length).toBe(before);
    expect(await image('frontend')).toBe('ghcr.io/example/frontend:2.0.0');
    expect(await replicas('frontend')).toBe(1);

    const resume = await s.cli(['app', 'resume', 'frontend', '--env', s.env]);
    expect(resume.code).toBe(0);
    expect(resume.stdout).toContain('resumed');
    expect((await s.apps()).find((a) => a.app === 'frontend')?.automationPaused).toBe(false);
    // The next push syncs it again, to the branch head.
    await edit('apps/frontend/values-dev.yaml', (t) => `${t}  - name: RESUMED\n    value: "yes"\n`);
    const { sha: head } = await s.push('dev: resumed');
    expect(head).not.toBe(x2);
    await s.waitSynced(['frontend'], head);
    expect(await image('frontend')).toBe('ghcr.io/example/frontend:2.0.1');
    expect(await replicas('frontend')).toBe(2);
    // Synced again by the next job at the tip: the push, or a poll or self-heal job of the drift
    // loop that ran between the resume and the push (jobs follow the branch, so one of those
    // syncs it at x2, the tip then; seen once in CI as a self-heal).
    const since = (await s.history('frontend')).slice(0, -before);
    expect(since[0]).toMatchObject({ revision: head, phase: 'Succeeded' });
    expect(since.length).toBeLessThanOrEqual(2);
    for (const entry of since) {
      expect(['push', 'poll', 'self-heal']).toContain(entry.initiator);
      expect([x2, head]).toContain(entry.revision);
    }
  });

  it('app wait --health: 0 when healthy; 1 on timeout, and app get explains ImagePullBackOff', async () => {
    const ok = await s.cli(['app', 'wait', 'frontend', '--env', s.env, '--health', '--timeout', '30s']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Healthy');

    await edit('syncwave.yaml', (t) => `${t.replace(/\n*$/, '\n')}${BROKEN_APP.config}`);
    await s.repo.write('apps/broken/deployment.yaml', BROKEN_APP.deployment);
    const { sha, answer } = await s.push('add broken');
    expect(answer.status).toBe(202);
    await s.waitSynced(['broken'], sha, { healthy: false });
    const wait = await s.cli([
      'app',
      'wait',
      'broken',
      '--env',
      s.env,
      '--health',
      '--timeout',
      '4s',
      '--interval',
      '1s',
    ]);
    expect(wait.code).toBe(1);
    expect(wait.stderr).toContain('timed out');
    // The health refresh sees the pod's ImagePullBackOff.
    const deadline = Date.now() + 30_000;
    let get = await s.cli(['app', 'get', 'broken', '--env', s.env]);
    while (!get.stdout.includes('ImagePullBackOff') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      get = await s.cli(['app', 'get', 'broken', '--env', s.env]);
    }
    expect(get.stdout).toContain('ImagePullBackOff');
    expect(get.stdout).toMatch(/Health:\s+(Degraded|Progressing)/);
  });

  it('printed no value of the Secret in the repository, in any CLI output or serve log line', async () => {
    expect(s.canary.lines).toBeGreaterThan(50);
    expect(await s.leaks()).toEqual([]);
  });
});
