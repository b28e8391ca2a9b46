import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Job, Queue } from '../../../engine/ports.ts';
import { type HandleWebhookDeps, handleWebhook } from '../../../ingest/handle-webhook.ts';
import type { WebhookRequest } from '../../../ingest/webhook-request.ts';

// Pull request payloads from @octokit/webhooks-examples (GitHub's real shapes).
// biome-ignore lint/suspicious/noExplicitAny: payloads are free-form JSON in tests
type Payload = Record<string, any>;
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Array<{
  name: string;
  examples: Payload[];
}>;
function example(action: string): Payload {
  const found = examples.find((g) => g.name === 'pull_request')?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no pull_request ${action} example`);
  return structuredClone(found);
}

const SECRET = 'test-webhook-secret';
const NOW = new Date('2026-11-27T10:00:00Z');

class RecordingQueue implements Queue {
  readonly sent: Job[] = [];
  async send(job: Job): Promise<void> {
    this.sent.push(job);
  }
}

function deps(overrides: Partial<HandleWebhookDeps> = {}) {
  return {
    secret: async () => SECRET,
    environments: [
      { name: 'dev', branch: 'develop' },
      { name: 'prod', branch: 'master' },
    ],
    queue: new RecordingQueue(),
    now: NOW,
    ...overrides,
  } as HandleWebhookDeps & { queue: RecordingQueue };
}

function signed(event: string, payload: unknown, opts: { secret?: string } = {}): WebhookRequest {
  const raw = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', opts.secret ?? SECRET)
    .update(raw)
    .digest('hex')}`;
  return {
    headers: {
      'x-github-event': event,
      'x-github-delivery': 'pr-1',
      'x-hub-signature-256': signature,
      'content-type': 'application/json',
    },
    body: raw,
  };
}

describe('pull_request webhooks (GitHub)', () => {
  it.each(['opened', 'synchronize', 'reopened'])(
    '%s: one preview job at the head commit for the base branch environment',
    async (action) => {
      const d = deps();
      const pr = example(action);
      const answer = await handleWebhook(signed('pull_request', pr), d);
      expect(answer.status).toBe(202);
      expect(d.queue.sent).toEqual([
        {
          id: 'pr-1:prod:preview',
          repo: 'Codertocat/Hello-World',
          env: 'prod',
          revision: pr.pull_request.head.sha,
          changedPaths: 'all',
          reason: 'preview',
          pullRequest: {
            provider: 'github',
            number: pr.number,
            headRef: pr.pull_request.head.ref,
            fork: false,
          },
          enqueuedAt: NOW.toISOString(),
        },
      ]);
    },
  );

  it('checks the signature before anything else', async () => {
    const d = deps();
    const answer = await handleWebhook(signed('pull_request', example('opened'), { secret: 'wrong' }), d);
    expect(answer.status).toBe(401);
    expect(d.queue.sent).toEqual([]);
  });

  it.each(['closed', 'labeled', 'assigned'])('%s previews nothing', async (action) => {
    const d = deps();
    const answer = await handleWebhook(signed('pull_request', example(action)), d);
    expect(answer.status).toBe(204);
    expect(answer.body.message).toContain(`action ${action}`);
    expect(d.queue.sent).toEqual([]);
  });

  it('a base branch no environment is bound to previews nothing', async () => {
    const d = deps();
    const pr = example('opened');
    pr.pull_request.base.ref = 'feature-x';
    const answer = await handleWebhook(signed('pull_request', pr), d);
    expect(answer).toMatchObject({
      status: 204,
      body: { message: 'no environment is bound to branch feature-x' },
    });
  });

  it('a fork is not previewed by default, and previewed from refs/pull/N/head when allowed', async () => {
    const pr = example('opened');
    pr.pull_request.head.repo = { ...pr.pull_request.head.repo, id: 42, full_name: 'mallory/Hello-World' };
    const off = deps();
    const refused = await handleWebhook(signed('pull_request', pr), off);
    expect(refused.status).toBe(204);
    expect(refused.body.message).toMatch(/from a fork: not previewed/);
    expect(off.queue.sent).toEqual([]);

    const on = deps({ previewForks: true });
    expect((await handleWebhook(signed('pull_request', pr), on)).status).toBe(202);
    expect(on.queue.sent[0]?.pullRequest).toEqual({
      provider: 'github',
      number: pr.number,
      headRef: `refs/pull/${pr.number}/head`,
      fork: true,
    });
  });

  it('a deleted head repository counts as a fork', async () => {
    const pr = example('opened');
    pr.pull_request.head.repo = null;
    const d = deps();
    expect((await handleWebhook(signed('pull_request', pr), d)).body.message).toMatch(/fork/);
  });

  it('another repository than the configured one is ignored', async () => {
    const d = deps({ repo: 'acme/gitops' });
    const answer = await handleWebhook(signed('pull_request', example('opened')), d);
    expect(answer.status).toBe(204);
    expect(answer.body.message).toContain('not the configured repository acme/gitops');
  });

  it('a head SHA that is not a commit SHA is a 400 naming the field', async () => {
    const pr = example('opened');
    pr.pull_request.head.sha = 'main; rm -rf /';
    const answer = await handleWebhook(signed('pull_request', pr), deps());
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('pull_request.head.sha');
  });
});

describe('merge request webhooks (GitLab)', () => {
  const mr = (action: string, extra: Payload = {}) => ({
    object_kind: 'merge_request',
    project: { path_with_namespace: 'acme/gitops', git_http_url: 'https://gitlab.example/acme/gitops.git' },
    object_attributes: {
      iid: 7,
      action,
      source_branch: 'bump-web',
      target_branch: 'develop',
      source_project_id: 1,
      target_project_id: 1,
      last_commit: { id: 'a'.repeat(40) },
      ...extra,
    },
  });
  const gitlab = (payload: unknown): WebhookRequest => ({
    headers: {
      'x-gitlab-event': 'Merge Request Hook',
      'x-gitlab-token': SECRET,
      'x-gitlab-event-uuid': 'mr-1',
    },
    body: JSON.stringify(payload),
  });

  it('open queues a preview; an update without new commits does not', async () => {
    const d = deps();
    expect((await handleWebhook(gitlab(mr('open')), d)).status).toBe(202);
    expect(d.queue.sent[0]).toMatchObject({
      env: 'dev',
      revision: 'a'.repeat(40),
      reason: 'preview',
      pullRequest: { provider: 'gitlab', number: 7, headRef: 'bump-web', fork: false },
    });
    expect((await handleWebhook(gitlab(mr('update')), d)).status).toBe(204);
    expect((await handleWebhook(gitlab(mr('update', { oldrev: 'b'.repeat(40) })), d)).status).toBe(202);
  });
});
