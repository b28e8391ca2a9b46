/**
 * GithubCheckRuns against a loopback stand-in for GitHub's REST API (a mock of GitHub's own API:
 * no real part can run here); Octokit and HTTP are real.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GithubCheckRuns } from '../../../adapters/github/github-check-runs.ts';
import type { PreviewReport } from '../../../engine/preview/preview-report.ts';

const SHA = 'b'.repeat(40);
// biome-ignore lint/suspicious/noExplicitAny: request bodies as GitHub receives them
const calls: Array<{ method: string; path: string; body: any }> = [];
let checksAllowed = true;
let server: Server;
let octokit: Octokit;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      calls.push({ method: req.method!, path: req.url!, body: JSON.parse(raw || '{}') });
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url?.includes('/check-runs'))
        return checksAllowed
          ? json(req.method === 'POST' ? 201 : 200, { id: 77 })
          : json(403, { message: 'Resource not accessible by personal access token' });
      if (req.url?.includes('/statuses/')) return json(201, { id: 1 });
      json(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  octokit = new Octokit({
    auth: 'test-token',
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  calls.length = 0;
  checksAllowed = true;
});

const report: PreviewReport = {
  env: 'prod',
  revision: SHA,
  outcome: 'failed',
  notes: [],
  apps: [
    { app: 'web', wave: 0, status: 'render-failed', notes: [], error: 'app prod/web: apps/web/x.yaml: bad' },
  ],
};
const target = { repo: 'acme/gitops', revision: SHA, env: 'prod' };

describe('GithubCheckRuns', () => {
  it('creates the check run in progress and completes the same one with the report', async () => {
    const runs = new GithubCheckRuns({ octokit });
    const handle = await runs.started(target);
    await runs.finished({ ...target, handle, report });
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /repos/acme/gitops/check-runs',
      'PATCH /repos/acme/gitops/check-runs/77',
    ]);
    expect(calls[0]?.body).toMatchObject({
      name: 'syncwave/preview/prod',
      head_sha: SHA,
      status: 'in_progress',
    });
    expect(calls[1]?.body).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(calls[1]?.body.output.summary).toContain('apps/web/x.yaml');
  });

  it('a token that may not create check runs (not a GitHub App): a commit status of the same name', async () => {
    checksAllowed = false;
    const runs = new GithubCheckRuns({ octokit });
    const handle = await runs.started(target);
    await runs.finished({ ...target, handle, report });
    const statuses = calls.filter((c) => c.path.includes('/statuses/'));
    expect(statuses.map((c) => [c.path, c.body.state, c.body.context])).toEqual([
      [`/repos/acme/gitops/statuses/${SHA}`, 'pending', 'syncwave/preview/prod'],
      [`/repos/acme/gitops/statuses/${SHA}`, 'failure', 'syncwave/preview/prod'],
    ]);
    expect(statuses[1]?.body.description).toBe('prod at bbbbbbb: web does not render');
  });
});
