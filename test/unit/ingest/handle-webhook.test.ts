import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Job, Queue } from '../../../engine/ports.ts';
import { type HandleWebhookDeps, handleWebhook } from '../../../ingest/handle-webhook.ts';
import type { WebhookRequest } from '../../../ingest/webhook-request.ts';
import {
  createdBranchPush,
  deletedBranchPush,
  issuesPayload,
  ordinaryPush,
  pingPayload,
  tagPush,
} from './github-push-examples.ts';

const SECRET = 'test-webhook-secret';
const NOW = new Date('2026-11-27T10:00:00Z');

class RecordingQueue implements Queue {
  readonly sent: Job[] = [];
  async send(job: Job): Promise<void> {
    this.sent.push(job);
  }
}

function deps(overrides: Partial<HandleWebhookDeps> = {}): HandleWebhookDeps & { queue: RecordingQueue } {
  return {
    secret: async () => SECRET,
    environments: [
      { name: 'dev', branch: 'develop' },
      { name: 'prod', branch: 'master' },
      { name: 'prod-eu', branch: 'master' },
    ],
    queue: new RecordingQueue(),
    now: NOW,
    ...overrides,
  } as HandleWebhookDeps & { queue: RecordingQueue };
}

function signed(
  event: string,
  payload: unknown,
  opts: { delivery?: string; base64?: boolean; headerCase?: 'lower' | 'canonical' } = {},
): WebhookRequest {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
  const canonical = opts.headerCase === 'canonical';
  return {
    headers: {
      [canonical ? 'X-GitHub-Event' : 'x-github-event']: event,
      [canonical ? 'X-GitHub-Delivery' : 'x-github-delivery']: opts.delivery ?? 'd-1',
      [canonical ? 'X-Hub-Signature-256' : 'x-hub-signature-256']: signature,
      'content-type': 'application/json',
    },
    body: opts.base64 ? Buffer.from(raw).toString('base64') : raw,
    isBase64Encoded: opts.base64,
  };
}

describe('handleWebhook (GitHub)', () => {
  it('queues one job per environment of the pushed branch, with changed paths', async () => {
    const d = deps();
    const res = await handleWebhook(signed('push', ordinaryPush('master'), { delivery: 'abc-123' }), d);
    expect(res.status).toBe(202);
    expect(d.queue.sent).toEqual([
      {
        id: 'abc-123:prod',
        repo: 'Codertocat/Hello-World',
        env: 'prod',
        revision: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        changedPaths: ['README.md'],
        reason: 'push',
        enqueuedAt: NOW.toISOString(),
      },
      expect.objectContaining({ id: 'abc-123:prod-eu', env: 'prod-eu' }),
    ]);
    expect(res.body).toMatchObject({ deliveryId: 'abc-123', jobs: d.queue.sent });
  });

  it('collects added, modified and removed paths of all commits, without duplicates', async () => {
    const p = ordinaryPush('develop');
    const c = p.commits[0];
    p.commits = [
      { ...c, added: ['apps/frontend/values.yaml'], modified: [], removed: [] },
      {
        ...c,
        added: [],
        modified: ['apps/frontend/values.yaml', 'syncwave.yaml'],
        removed: ['apps/old/x.yaml'],
      },
    ];
    const d = deps();
    await handleWebhook(signed('push', p), d);
    expect(d.queue.sent.map((j) => j.changedPaths)).toEqual([
      ['apps/frontend/values.yaml', 'apps/old/x.yaml', 'syncwave.yaml'],
    ]);
  });

  it.each([
    ['a created branch', () => createdBranchPush()],
    ['a forced push', () => ({ ...ordinaryPush(), forced: true })],
    [
      '20 listed commits',
      () => {
        const p = ordinaryPush();
        p.commits = Array.from({ length: 20 }, () => p.commits[0]);
        return p;
      },
    ],
    ['fewer commits than size', () => ({ ...ordinaryPush(), size: 3 })],
    ['no commits listed', () => ({ ...ordinaryPush(), commits: [] })],
  ])('marks the job "all apps" for %s', async (_name, payload) => {
    const d = deps();
    const res = await handleWebhook(signed('push', payload()), d);
    expect(res.status).toBe(202);
    expect(d.queue.sent[0]?.changedPaths).toBe('all');
  });

  it('accepts canonical header case and a base64-encoded body', async () => {
    const d = deps();
    const res = await handleWebhook(
      signed('push', ordinaryPush(), { base64: true, headerCase: 'canonical' }),
      d,
    );
    expect(res.status).toBe(202);
    expect(d.queue.sent).toHaveLength(2);
  });

  it('accepts a form-encoded payload (signature over the form body)', async () => {
    const form = new URLSearchParams({ payload: JSON.stringify(ordinaryPush()) }).toString();
    const req = signed('push', form);
    const d = deps();
    const res = await handleWebhook(
      { ...req, headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded' } },
      d,
    );
    expect(res.status).toBe(202);
  });

  it('answers ping with 200 and queues nothing', async () => {
    const d = deps();
    expect((await handleWebhook(signed('ping', pingPayload()), d)).status).toBe(200);
    expect(d.queue.sent).toEqual([]);
  });

  it.each([
    ['another event', () => signed('issues', issuesPayload())],
    ['a tag push', () => signed('push', tagPush())],
    ['a deleted branch', () => signed('push', deletedBranchPush())],
    ['an unbound branch', () => signed('push', ordinaryPush('feature/x'))],
  ])('ignores %s with 204', async (_name, req) => {
    const d = deps();
    expect((await handleWebhook(req(), d)).status).toBe(204);
    expect(d.queue.sent).toEqual([]);
  });

  it('ignores pushes to another repository when one is configured', async () => {
    const d = deps({ repo: 'acme/gitops' });
    const res = await handleWebhook(signed('push', ordinaryPush()), d);
    expect(res).toMatchObject({
      status: 204,
      body: { message: expect.stringMatching(/not the configured/) },
    });
  });

  it.each([
    'Codertocat/Hello-World',
    'https://github.com/codertocat/hello-world.git',
    'git@github.com:Codertocat/Hello-World.git',
  ])('accepts the configured repository given as %s, and names jobs by it', async (repo) => {
    const d = deps({ repo });
    expect((await handleWebhook(signed('push', ordinaryPush()), d)).status).toBe(202);
    expect(d.queue.sent[0]?.repo).toBe(repo);
  });

  it('rejects a wrong signature with 401 before parsing the body', async () => {
    const req = signed('push', ordinaryPush());
    const d = deps({ secret: async () => 'another-secret' });
    expect((await handleWebhook({ ...req, body: 'not json at all' }, d)).status).toBe(401);
    expect((await handleWebhook(req, d)).status).toBe(401);
    expect(d.queue.sent).toEqual([]);
  });

  it('rejects a missing signature with 401', async () => {
    const req = signed('push', ordinaryPush());
    const { 'x-hub-signature-256': _omit, ...headers } = req.headers;
    expect((await handleWebhook({ ...req, headers }, deps())).status).toBe(401);
  });

  it('answers 413 over the size limit without asking for the secret', async () => {
    let asked = false;
    const d = deps({
      maxBodyBytes: 1024,
      secret: async () => {
        asked = true;
        return SECRET;
      },
    });
    const p = ordinaryPush();
    p.padding = 'x'.repeat(2048);
    expect((await handleWebhook(signed('push', p), d)).status).toBe(413);
    expect(asked).toBe(false);
  });

  it.each([
    ['invalid JSON', '{"ref": '],
    ['a JSON array', '[]'],
    ['a payload without commits', JSON.stringify({ ref: 'refs/heads/master', before: 'a', after: 'b' })],
  ])('answers 400 for %s', async (_name, raw) => {
    expect((await handleWebhook(signed('push', raw), deps())).status).toBe(400);
  });

  it('answers 400 when the event header is missing', async () => {
    const req = signed('push', ordinaryPush());
    const { 'x-github-event': _omit, ...headers } = req.headers;
    expect((await handleWebhook({ ...req, headers }, deps())).status).toBe(400);
  });

  it('derives a delivery id from the body when none is sent, the same for the same body', async () => {
    const req = signed('push', ordinaryPush());
    const { 'x-github-delivery': _omit, ...headers } = req.headers;
    const d = deps();
    await handleWebhook({ ...req, headers }, d);
    await handleWebhook({ ...req, headers }, d);
    expect(d.queue.sent[0]?.id).toMatch(/^sha256-[0-9a-f]{40}:prod$/);
    expect(d.queue.sent[2]?.id).toBe(d.queue.sent[0]?.id);
  });
});

describe('handleWebhook (GitLab)', () => {
  const raw = readFileSync(new URL('./fixtures/gitlab-push.json', import.meta.url), 'utf8');
  const gitlab = (body: string, token = SECRET): WebhookRequest => ({
    headers: { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': token, 'X-Gitlab-Event-UUID': 'gl-42' },
    body,
  });

  it('queues a job with the changed paths of a push hook', async () => {
    const d = deps();
    const res = await handleWebhook(gitlab(raw), d);
    expect(res.status).toBe(202);
    expect(d.queue.sent).toEqual([
      {
        id: 'gl-42:dev',
        repo: 'platform/gitops',
        env: 'dev',
        revision: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
        changedPaths: ['apps/backend/config.yaml', 'apps/backend/old.yaml', 'apps/frontend/values.yaml'],
        reason: 'push',
        enqueuedAt: NOW.toISOString(),
      },
    ]);
  });

  it('marks "all apps" when total_commits_count exceeds the listed commits', async () => {
    const d = deps();
    await handleWebhook(gitlab(JSON.stringify({ ...JSON.parse(raw), total_commits_count: 40 })), d);
    expect(d.queue.sent[0]?.changedPaths).toBe('all');
  });

  it('ignores a deleted branch', async () => {
    const d = deps();
    const body = JSON.stringify({ ...JSON.parse(raw), after: '0'.repeat(40), commits: [] });
    expect((await handleWebhook(gitlab(body), d)).status).toBe(204);
  });

  it('rejects a wrong token with 401 and ignores tag pushes', async () => {
    expect((await handleWebhook(gitlab(raw, 'nope'), deps())).status).toBe(401);
    const tag = { ...gitlab(raw), headers: { ...gitlab(raw).headers, 'X-Gitlab-Event': 'Tag Push Hook' } };
    expect((await handleWebhook(tag, deps())).status).toBe(204);
  });

  it('matches a configured repository by its GitLab clone URL', async () => {
    const d = deps({ repo: 'https://gitlab.example.com/platform/gitops.git' });
    expect((await handleWebhook(gitlab(raw), d)).status).toBe(202);
  });
});
