// `syncwave serve` in-process: the webhook endpoint (ingest's handler), /healthz, the API and the
// worker pool on a real SQLite queue, with a real git working repository as the source. The engine's
// runJob and checkDrift are replaced by recorders: no cluster is needed here (the end-to-end tests
// against the control plane are test/integration/cli-*.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhooks } from '@octokit/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalGitSource } from '../../../adapters/git/local-git-source.ts';
import { MemoryStateStore } from '../../../adapters/local/memory-state-store.ts';
import { SqliteJobQueue } from '../../../adapters/local/sqlite-job-queue.ts';
import { ApiClient } from '../../../cli/client/api-client.ts';
import type { JobResult } from '../../../cli/engine-api.ts';
import { systemClock } from '../../../cli/local/system-clock.ts';
import { createLog } from '../../../cli/serve/create-log.ts';
import { createServeApp, type ServeApp } from '../../../cli/serve/serve-app.ts';
import type { Job } from '../../../engine/ports.ts';
import { createWorkRepo, type GitWorkRepo } from '../../../harness/git-work-repo.ts';

const SECRET = 'test-secret';
const TOKEN = 'test-api-token-0123456789abcdefghijklmnop';
const CONFIG = `environments:
  dev: { branch: develop }
  prod: { branch: main }
apps:
  - name: frontend
    path: apps/frontend
    namespace: web
`;

let tmp: string;
let repo: GitWorkRepo;
let app: ServeApp;
let appOptions: Parameters<typeof createServeApp>[0];
let url: string;
let apiUrl: string;
let queue: SqliteJobQueue;
const state = new MemoryStateStore();
const ran: Job[] = [];
/** Jobs handed to the queue by the webhook handler and the API. */
let sent = 0;
const logLines: string[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'syncwave-serve-'));
  repo = await createWorkRepo({ dir: join(tmp, 'work') });
  await repo.write('syncwave.yaml', CONFIG);
  await repo.write('apps/frontend/deploy.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\n');
  await repo.commitAll('config');
  await repo.git('branch', '-f', 'main', 'develop');
  queue = await SqliteJobQueue.open(join(tmp, 'syncwave.db'));
  const send = queue.send.bind(queue);
  queue.send = async (job) => {
    sent += 1;
    await send(job);
  };
  const log = createLog({ format: 'json', write: (line) => logLines.push(line) });
  const source = await LocalGitSource.open({ path: join(tmp, 'work'), cacheDir: join(tmp, 'cache') });
  appOptions = {
    deps: {
      source,
      state,
      clusterFor: () => Promise.reject(new Error('no cluster in this test')),
      tools: { run: () => Promise.reject(new Error('no tools in this test')) },
      clock: systemClock,
      log,
      cacheDir: join(tmp, 'cache'),
      owner: 'test',
    },
    queue,
    secret: async () => SECRET,
    apiToken: TOKEN,
    repo: join(tmp, 'work'),
    driftIntervalMs: 3_600_000,
    runJob: async (job): Promise<JobResult> => {
      ran.push(job);
      return {
        jobId: job.id,
        env: job.env,
        revision: job.revision,
        outcome: 'succeeded',
        message: 'done',
        apps: [],
      };
    },
    checkDrift: async () => ({ jobs: [], outOfSync: [] }),
  };
  app = createServeApp(appOptions);
  ({ url, apiUrl } = await app.start({ port: 0, apiPort: 0 }));
});

afterAll(async () => {
  await app?.stop();
  queue?.close();
  await rm(tmp, { recursive: true, force: true });
});

function pushPayload(branch: string, after: string): string {
  return JSON.stringify({
    ref: `refs/heads/${branch}`,
    before: 'a'.repeat(40),
    after,
    repository: { full_name: 'acme/gitops', clone_url: 'https://github.com/acme/gitops.git' },
    commits: [{ id: after, added: [], removed: [], modified: ['apps/frontend/deploy.yaml'] }],
    size: 1,
  });
}

async function postWebhook(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers },
    body,
  });
}

async function until<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('syncwave serve', () => {
  it('answers /healthz with the environments from syncwave.yaml', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', environments: ['dev', 'prod'] });
  });

  it('queues a signed GitHub push (202) and its worker runs the job once', async () => {
    const after = await repo.head('develop');
    const body = pushPayload('develop', after);
    const signature = await new Webhooks({ secret: SECRET }).sign(body);
    const res = await postWebhook(body, {
      'x-hub-signature-256': signature,
      'x-github-delivery': 'delivery-1',
    });
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { jobs: Job[] };
    expect(answer.jobs).toHaveLength(1);
    expect(answer.jobs[0]).toMatchObject({
      env: 'dev',
      revision: after,
      reason: 'push',
      changedPaths: ['apps/frontend/deploy.yaml'],
    });
    const jobId = answer.jobs[0]!.id;
    await until(() => (queue.state(jobId) === 'done' ? true : undefined));
    expect(ran.filter((j) => j.id === jobId)).toHaveLength(1);
    const status = await new ApiClient({ server: apiUrl, token: TOKEN }).job(jobId);
    expect(status).toMatchObject({ state: 'done', result: { outcome: 'succeeded' } });
    // The same delivery again is accepted but not run twice.
    await postWebhook(body, { 'x-hub-signature-256': signature, 'x-github-delivery': 'delivery-1' });
    await new Promise((r) => setTimeout(r, 300));
    expect(ran.filter((j) => j.id === jobId)).toHaveLength(1);
    const finished = logLines
      .map((l) => JSON.parse(l))
      .find((l) => l.message === 'job finished' && l.deliveryId === jobId);
    expect(finished).toMatchObject({ level: 'INFO', env: 'dev', outcome: 'succeeded', revision: after });
    expect(typeof finished.durationMs).toBe('number');
  });

  it("previews a fork's pull request only with previewForks (serve --preview-forks)", async () => {
    const head = await repo.head('develop');
    const pr = (number: number) => {
      const base = { id: 1, full_name: 'acme/gitops' };
      return JSON.stringify({
        action: 'opened',
        number,
        pull_request: {
          number,
          head: { sha: head, ref: 'patch-1', repo: { id: 99, full_name: 'someone/gitops' } },
          base: { ref: 'develop', sha: head, repo: base },
        },
        repository: { ...base, clone_url: 'https://github.com/acme/gitops.git' },
      });
    };
    const deliver = async (to: string, body: string) =>
      fetch(`${to}/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'pull_request',
          'x-github-delivery': `fork-${body.length}-${to}`,
          'x-hub-signature-256': await new Webhooks({ secret: SECRET }).sign(body),
        },
        body,
      });
    const sentBefore = sent;
    const refused = await deliver(url, pr(41));
    expect(refused.status).toBe(204);
    expect(sent).toBe(sentBefore);

    const allowing = createServeApp({ ...appOptions, previewForks: true });
    const { url: allowingUrl } = await allowing.start({ port: 0, apiPort: 0 });
    try {
      const queued = await deliver(allowingUrl, pr(42));
      expect(queued.status).toBe(202);
      const answer = (await queued.json()) as { jobs: Job[] };
      expect(answer.jobs).toMatchObject([
        {
          env: 'dev',
          revision: head,
          reason: 'preview',
          pullRequest: { provider: 'github', number: 42, headRef: 'refs/pull/42/head', fork: true },
        },
      ]);
      const jobId = answer.jobs[0]!.id;
      await until(() => (queue.state(jobId) === 'done' ? true : undefined));
    } finally {
      await allowing.stop();
    }
  });

  it('rejects an unsigned or wrongly signed delivery with 401', async () => {
    const body = pushPayload('develop', 'b'.repeat(40));
    expect((await postWebhook(body, {})).status).toBe(401);
    const wrong = await new Webhooks({ secret: 'not-the-secret' }).sign(body);
    const res = await postWebhook(body, { 'x-hub-signature-256': wrong });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/secret/);
  });

  it('queues a manual sync through the API, and says what to do for an unknown app', async () => {
    const client = new ApiClient({ server: apiUrl, token: TOKEN });
    const accepted = await client.sync('frontend', { env: 'prod', prune: true });
    expect(accepted.job).toMatchObject({
      env: 'prod',
      revision: 'main',
      reason: 'manual',
      apps: ['frontend'],
      prune: true,
    });
    await until(() => (queue.state(accepted.job.id) === 'done' ? true : undefined));
    await expect(client.sync('backend', { env: 'dev' })).rejects.toThrow(/no app backend in syncwave.yaml/);
    await expect(client.sync('frontend', {})).rejects.toThrow(/in dev, prod: pass --env/);
  });

  it('lists apps from the state store and explains a missing one', async () => {
    const now = new Date().toISOString();
    await state.putApp({
      env: 'dev',
      app: 'frontend',
      syncStatus: 'Synced',
      health: { status: 'Healthy' },
      resources: [],
      inventory: [],
      updatedAt: now,
    });
    const client = new ApiClient({ server: apiUrl, token: TOKEN });
    expect((await client.listApps()).apps.map((a) => a.app)).toEqual(['frontend']);
    expect((await client.getApp('frontend')).app).toMatchObject({ env: 'dev', syncStatus: 'Synced' });
    await expect(client.getApp('nope')).rejects.toThrow(
      /no app nope has been synced yet \(known: frontend\).*404/,
    );
    expect((await client.history('frontend')).history).toEqual([]);
  });
});

describe("syncwave serve's API listener", () => {
  const syncBody = JSON.stringify({ env: 'prod', prune: true });
  const post = (headers: Record<string, string>, body = syncBody): Promise<Response> =>
    fetch(`${apiUrl}/api/apps/frontend/sync`, { method: 'POST', headers, body });
  const queued = (): number => sent;

  it('is a listener of its own: the public one has no /api, the API has no /webhook', async () => {
    expect(apiUrl).not.toBe(url);
    const onPublic = await fetch(`${url}/api/apps`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(onPublic.status).toBe(404);
    const onApi = await fetch(`${apiUrl}/webhook`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(onApi.status).toBe(404);
  });

  it('answers 401 without a token and with a wrong one, and queues nothing', async () => {
    const before = queued();
    const none = await post({ 'content-type': 'application/json' });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { message: string }).message).toMatch(/bearer token.*api-token/);
    const wrong = await post({ 'content-type': 'application/json', authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    const short = await post({ 'content-type': 'application/json', authorization: 'Bearer t' });
    expect(short.status).toBe(401);
    expect((await fetch(`${apiUrl}/api/apps`)).status).toBe(401);
    expect((await fetch(`${apiUrl}/api/apps/frontend/history`)).status).toBe(401);
    await expect(new ApiClient({ server: apiUrl }).listApps()).rejects.toThrow(/HTTP 401.*--token/);
    expect(queued()).toBe(before);
  });

  it('answers 415 to a mutating request that is not application/json, with the right token', async () => {
    const before = queued();
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await post({ 'content-type': type, authorization: `Bearer ${TOKEN}` });
      expect(res.status).toBe(415);
    }
    const untyped = await fetch(`${apiUrl}/api/apps/frontend/resume`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(untyped.status).toBe(415);
    expect(queued()).toBe(before);
  });

  it('answers 403 to a foreign Origin, even with the token', async () => {
    const before = queued();
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
    expect((await post({ ...headers, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ ...headers, origin: 'null' })).status).toBe(403);
    expect((await post({ ...headers, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const read = await fetch(`${apiUrl}/api/apps`, {
      headers: { authorization: `Bearer ${TOKEN}`, origin: 'http://localhost:1' },
    });
    expect(read.status).toBe(403);
    expect(queued()).toBe(before);
  });

  it('accepts the token with JSON from the same origin (the happy path)', async () => {
    const res = await post({
      'content-type': 'application/json; charset=utf-8',
      authorization: `Bearer ${TOKEN}`,
      origin: apiUrl,
    });
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as { job: Job };
    expect(job).toMatchObject({ env: 'prod', apps: ['frontend'], prune: true });
    await until(() => (queue.state(job.id) === 'done' ? true : undefined));
  });
});

describe('a manual sync to a revision off the environment branch', () => {
  it('is refused without allowForeignRevision, and queued as the commit SHA with it', async () => {
    await repo.git('checkout', '-q', '-b', 'feature', 'develop');
    await repo.write('apps/frontend/extra.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n');
    const feature = await repo.commitAll('feature work');
    await repo.git('checkout', '-q', 'develop');
    const client = new ApiClient({ server: apiUrl, token: TOKEN });
    const before = sent;
    await expect(client.sync('frontend', { env: 'dev', revision: 'feature' })).rejects.toThrow(
      /revision feature \(\w{7}\) is not on branch develop of environment dev: .*--allow-foreign-revision.*HTTP 400/,
    );
    await expect(client.sync('frontend', { env: 'dev', revision: feature })).rejects.toThrow(/HTTP 400/);
    expect(sent).toBe(before);
    const onBranch = await client.sync('frontend', { env: 'dev', revision: await repo.head('develop') });
    expect(onBranch.job.revision).toBe(await repo.head('develop'));
    const forced = await client.sync('frontend', {
      env: 'dev',
      revision: 'feature',
      allowForeignRevision: true,
    });
    expect(forced.job.revision).toBe(feature);
    await until(() => (queue.state(forced.job.id) === 'done' ? true : undefined));
  });
});
