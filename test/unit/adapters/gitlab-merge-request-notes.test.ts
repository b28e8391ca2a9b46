/**
 * GitlabMergeRequestNotes against a loopback stand-in for GitLab's REST API (a mock of GitLab's
 * own API: no real part can run here); fetch and HTTP are real.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GitlabMergeRequestNotes,
  GitlabNoteError,
} from '../../../adapters/gitlab/gitlab-merge-request-notes.ts';
import type { PreviewReport } from '../../../engine/preview/preview-report.ts';

// biome-ignore lint/suspicious/noExplicitAny: request bodies as GitLab receives them
const posts: Array<{ path: string; token?: string; body: any }> = [];
let server: Server;
let apiUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      posts.push({ path: req.url!, token: req.headers['private-token'] as string, body: JSON.parse(raw) });
      const ok = req.url?.includes('/merge_requests/7/');
      res
        .writeHead(ok ? 201 : 403, { 'content-type': 'application/json' })
        .end(ok ? '{"id":1}' : '{"message":"403 Forbidden"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const SHA = 'c'.repeat(40);
const report: PreviewReport = {
  env: 'dev',
  revision: SHA,
  outcome: 'changes',
  notes: [],
  apps: [
    {
      app: 'web',
      wave: 0,
      status: 'changes',
      notes: [],
      objects: [
        {
          object: 'Deployment/web/web',
          action: 'update',
          paths: ['spec.replicas'],
          diff: '-  replicas: 1\n+  replicas: 2',
        },
      ],
    },
  ],
};
const mr = (number: number) => ({ provider: 'gitlab' as const, number, headRef: 'b', fork: false });

describe('GitlabMergeRequestNotes', () => {
  it('posts one note per finished preview on the merge request, with the token', async () => {
    const notes = new GitlabMergeRequestNotes({ apiUrl, token: 'glpat-test' });
    expect(await notes.started()).toBeUndefined();
    await notes.finished({ repo: 'group/sub/gitops', revision: SHA, env: 'dev', pullRequest: mr(7), report });
    expect(posts.map((p) => [p.path, p.token])).toEqual([
      ['/api/v4/projects/group%2Fsub%2Fgitops/merge_requests/7/notes', 'glpat-test'],
    ]);
    expect(posts[0]?.body.body).toContain('syncwave/preview/dev');
    expect(posts[0]?.body.body).toContain('| `Deployment/web/web` | update | spec.replicas |');
    expect(posts[0]?.body.body).toContain('+  replicas: 2');
  });

  it('a refusal is an error naming the merge request and what to check', async () => {
    const notes = new GitlabMergeRequestNotes({ apiUrl, token: 'glpat-test' });
    const sent = notes.finished({
      repo: 'acme/gitops',
      revision: SHA,
      env: 'dev',
      pullRequest: mr(8),
      report,
    });
    await expect(sent).rejects.toBeInstanceOf(GitlabNoteError);
    await expect(sent).rejects.toThrow('acme/gitops!8: GitLab refused the preview note (HTTP 403)');
  });
});
