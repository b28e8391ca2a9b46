// The webhook's checks on what a signed delivery may ask for: commit SHAs, the exact repository.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Job, Queue } from '../../../engine/ports.ts';
import { handleWebhook } from '../../../ingest/handle-webhook.ts';
import { parseGithubPush, parseGitlabPush } from '../../../ingest/push-event.ts';
import { repoMatches } from '../../../ingest/push-to-jobs.ts';
import { repoIdentity } from '../../../ingest/repo-identity.ts';
import { createdBranchPush, deletedBranchPush, ordinaryPush } from './github-push-examples.ts';

const SECRET = 'checks-secret';
const ZERO = '0'.repeat(40);

function signedPush(payload: unknown): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(payload);
  return {
    headers: {
      'x-github-event': 'push',
      'x-github-delivery': 'd-1',
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      'content-type': 'application/json',
    },
    body,
  };
}

async function deliver(
  payload: unknown,
  repo?: string,
): Promise<{ status: number; message?: string; sent: Job[] }> {
  const sent: Job[] = [];
  const queue: Queue = { send: async (job) => void sent.push(job) };
  const res = await handleWebhook(signedPush(payload), {
    secret: async () => SECRET,
    environments: [{ name: 'prod', branch: 'master' }],
    repo,
    queue,
    now: new Date('2026-12-01T00:00:00Z'),
  });
  return { status: res.status, message: res.body.message, sent };
}

describe('push "before" and "after" are commit SHAs', () => {
  it.each([
    ['a branch name', 'main'],
    ['a short SHA', '6113728'],
    ['upper-case hex', '6113728F27AE82C7B1A177C8D03F9E96E0ADF246'],
    ['41 hex digits', `${'a'.repeat(41)}`],
    ['an option-like string', '--upload-pack=touch /tmp/x'],
    ['a ref expression', 'HEAD~1'],
    ['empty', ''],
  ])('rejects an "after" that is %s with 400 and queues nothing', async (_what, after) => {
    const payload = ordinaryPush();
    payload.after = after;
    const { status, message, sent } = await deliver(payload);
    expect(status).toBe(400);
    expect(message).toMatch(/"after" is not a 40-hex commit SHA/);
    expect(sent).toEqual([]);
  });

  it('rejects a "before" that is not a SHA', async () => {
    const payload = ordinaryPush();
    payload.before = 'refs/heads/master';
    const { status, message } = await deliver(payload);
    expect(status).toBe(400);
    expect(message).toMatch(/"before" is not a 40-hex commit SHA/);
  });

  it('takes the all-zero "before" of a created branch as GitHub sends it: every app', async () => {
    const payload = createdBranchPush();
    expect(payload.before).toBe(ZERO);
    const { status, sent } = await deliver(payload);
    expect(status).toBe(202);
    expect(sent[0]).toMatchObject({ revision: payload.after, changedPaths: 'all' });
  });

  it('takes the all-zero "after" of a deleted branch as a deletion: nothing queued', async () => {
    const payload = deletedBranchPush();
    expect(payload.after).toBe(ZERO);
    const { status, message, sent } = await deliver(payload);
    expect(status).toBe(204);
    expect(message).toMatch(/deleted/);
    expect(sent).toEqual([]);
  });

  it('checks GitLab pushes the same way', () => {
    const base = {
      ref: 'refs/heads/main',
      before: ZERO,
      after: 'b'.repeat(40),
      commits: [],
      project: { path_with_namespace: 'g/p' },
    };
    expect(parseGitlabPush(base).ok).toBe(true);
    expect(parseGitlabPush({ ...base, after: 'main' })).toMatchObject({
      ok: false,
      message: /"after" is not/,
    });
    expect(parseGithubPush({ ...base, before: '0' })).toMatchObject({
      ok: false,
      message: /"before" is not/,
    });
  });
});

describe('the pushed repository must be the configured one, exactly', () => {
  const push = {
    repo: 'Codertocat/Hello-World',
    repoAliases: [
      'https://github.com/Codertocat/Hello-World.git',
      'git@github.com:Codertocat/Hello-World.git',
      'https://github.com/Codertocat/Hello-World',
      'git://github.com/Codertocat/Hello-World.git',
    ],
  };

  it.each([
    'Codertocat/Hello-World',
    'codertocat/hello-world',
    'https://github.com/codertocat/hello-world.git',
    'https://GitHub.com/Codertocat/Hello-World/',
    'https://user:token@github.com/Codertocat/Hello-World.git',
    'git@github.com:Codertocat/Hello-World.git',
    'ssh://git@github.com/Codertocat/Hello-World.git',
  ])('matches %s', (configured) => {
    expect(repoMatches(configured, push)).toBe(true);
  });

  it.each([
    ['another owner with the same name', 'evil/Hello-World'],
    ['a suffix of the full name', 'Hello-World'],
    ['a longer path ending in the full name', 'https://github.com/evil/Codertocat/Hello-World.git'],
    ['another host with the same path', 'https://github.evil.example/Codertocat/Hello-World.git'],
    ['another port', 'https://github.com:8443/Codertocat/Hello-World.git'],
    ['a name with a prefix', 'Codertocat/xHello-World'],
    ['a local path', '/srv/git/Hello-World'],
    ['an empty string', ''],
  ])('does not match %s', (_what, configured) => {
    expect(repoMatches(configured, push)).toBe(false);
  });

  it('does not take an owner/name configuration as matched by a URL-shaped full name', () => {
    expect(
      repoMatches('Codertocat/Hello-World', { repo: 'https://evil/Codertocat/Hello-World', repoAliases: [] }),
    ).toBe(false);
  });

  it('answers a push to another repository with 204 naming both, and queues nothing', async () => {
    const { status, message, sent } = await deliver(ordinaryPush(), 'https://github.com/acme/gitops.git');
    expect(status).toBe(204);
    expect(message).toBe(
      'push to Codertocat/Hello-World, not the configured repository https://github.com/acme/gitops.git',
    );
    expect(sent).toEqual([]);
  });

  it('reads identities of URLs, scp-like addresses and owner/name, and none of a local path', () => {
    expect(repoIdentity('http://127.0.0.1:4567/gitops.git')).toEqual({
      host: '127.0.0.1:4567',
      path: 'gitops',
    });
    expect(repoIdentity('https://gitlab.example.com/Group/Sub/Project.git')).toEqual({
      host: 'gitlab.example.com',
      path: 'group/sub/project',
    });
    expect(repoIdentity('git@github.com:a/b.git')).toEqual({ host: 'github.com', path: 'a/b' });
    expect(repoIdentity('a/b')).toEqual({ path: 'a/b' });
    expect(repoIdentity('/srv/git/gitops')).toBeUndefined();
    expect(repoIdentity('./gitops')).toBeUndefined();
    expect(repoIdentity('https://github.com/../..')).toBeUndefined();
    expect(repoIdentity('file:///srv/git/gitops')).toBeUndefined();
  });
});
