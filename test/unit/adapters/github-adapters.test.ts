/**
 * GithubNotifier, githubCompare and GithubTarballSource against a loopback stand-in for GitHub's
 * REST API. This is a mock of GitHub's own API (no real part can run here); everything else —
 * Octokit, HTTP, redirects, gzip, tar extraction, the file system — is real.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { c as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubCompare, githubIsAncestor } from '../../../adapters/github/github-compare.ts';
import { GithubNotifier } from '../../../adapters/github/github-notifier.ts';
import { GithubTarballSource } from '../../../adapters/github/github-tarball-source.ts';

const SHA = 'a'.repeat(40);
const statuses: Array<{ path: string; auth?: string; body: Record<string, unknown> }> = [];
let tarballRequests = 0;
let tarball: Buffer;
let server: Server;
let baseUrl: string;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'syncwave-gh-'));
  const top = join(work, 'src', `acme-gitops-${SHA.slice(0, 7)}`);
  await mkdir(join(top, 'apps', 'frontend'), { recursive: true });
  await writeFile(join(top, 'syncwave.yaml'), 'apps: []\n');
  await writeFile(join(top, 'apps', 'frontend', 'values.yaml'), 'image:\n  tag: 2.0.1\n');
  tarball = await streamToBuffer(
    createTar({ gzip: true, cwd: join(work, 'src') }, [`acme-gitops-${SHA.slice(0, 7)}`]),
  );

  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const statusPath = /^\/repos\/acme\/gitops\/statuses\/(\w+)$/.exec(url.pathname);
      const compare = /^\/repos\/acme\/gitops\/compare\/(\w+)\.\.\.(\w+)$/.exec(url.pathname);
      const commit = /^\/repos\/acme\/gitops\/commits\/(.+)$/.exec(url.pathname);
      if (req.method === 'POST' && statusPath) {
        statuses.push({ path: url.pathname, auth: req.headers.authorization, body: JSON.parse(raw) });
        return json(201, { id: 1, state: JSON.parse(raw).state });
      }
      if (compare) {
        const [, base, head] = compare;
        const status =
          base === head ? 'identical' : base === 'new' ? 'behind' : base === 'old' ? 'ahead' : 'diverged';
        const many = head === 'huge';
        return json(200, {
          status,
          files: many
            ? Array.from({ length: 300 }, (_, i) => ({ filename: `f${i}` }))
            : [
                { filename: 'apps/frontend/values.yaml' },
                { filename: 'apps/b.yaml', previous_filename: 'apps/a.yaml' },
              ],
        });
      }
      if (commit) {
        res.writeHead(200, { 'content-type': 'application/vnd.github.sha' });
        return res.end(commit[1] === 'main' ? SHA : 'unexpected');
      }
      if (/^\/repos\/acme\/gitops\/tarball\/\w+$/.test(url.pathname)) {
        res.writeHead(302, { location: `${baseUrl}/codeload/acme/gitops/legacy.tar.gz/${SHA}` });
        return res.end();
      }
      if (url.pathname.startsWith('/codeload/')) {
        tarballRequests++;
        res.writeHead(200, { 'content-type': 'application/x-gzip' });
        return res.end(tarball);
      }
      json(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(work, { recursive: true, force: true });
});

const octokit = () => new Octokit({ auth: 'test-token', baseUrl, request: { retries: 0 } });

async function streamToBuffer(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

describe('GithubNotifier', () => {
  it('posts a commit status with the environment context, truncating long descriptions', async () => {
    await new GithubNotifier({ octokit: octokit() }).commitStatus({
      repo: 'acme/gitops',
      revision: SHA,
      context: 'syncwave/dev',
      state: 'failure',
      description: `Deployment/frontend/web: ${'x'.repeat(200)}`,
    });
    expect(statuses).toHaveLength(1);
    expect(statuses[0]!.path).toBe(`/repos/acme/gitops/statuses/${SHA}`);
    expect(statuses[0]!.auth).toBe('token test-token');
    expect(statuses[0]!.body).toMatchObject({ state: 'failure', context: 'syncwave/dev' });
    expect(String(statuses[0]!.body.description)).toHaveLength(140);
  });
});

describe('githubCompare', () => {
  it.each([
    ['old', 'new', true],
    ['same', 'same', true],
    ['new', 'old', false],
    ['x', 'y', false],
  ])('isAncestor(%s, %s) = %s', async (ancestor, descendant, expected) => {
    expect(await githubIsAncestor({ octokit: octokit(), repo: 'acme/gitops', ancestor, descendant })).toBe(
      expected,
    );
  });

  it('lists changed paths, both names of a rename, and nothing when GitHub truncated the list', async () => {
    const small = await githubCompare({ octokit: octokit(), repo: 'acme/gitops', base: 'old', head: 'new' });
    expect(small.files).toEqual(['apps/a.yaml', 'apps/b.yaml', 'apps/frontend/values.yaml']);
    const huge = await githubCompare({ octokit: octokit(), repo: 'acme/gitops', base: 'old', head: 'huge' });
    expect(huge.files).toBeUndefined();
  });
});

describe('GithubTarballSource', () => {
  it('resolves a branch, extracts the tarball without its top directory, and caches by revision', async () => {
    const source = new GithubTarballSource({
      octokit: octokit(),
      repo: 'acme/gitops',
      cacheDir: join(work, 'cache'),
    });
    expect(await source.resolve('main')).toBe(SHA);
    const [a, b] = await Promise.all([source.checkout(SHA), source.checkout(SHA)]);
    expect(a).toEqual({ dir: join(work, 'cache', SHA), revision: SHA });
    expect(b).toEqual(a);
    expect(await readFile(join(a.dir, 'apps', 'frontend', 'values.yaml'), 'utf8')).toContain('2.0.1');
    expect(await readFile(join(a.dir, 'syncwave.yaml'), 'utf8')).toBe('apps: []\n');
    const fresh = new GithubTarballSource({
      octokit: octokit(),
      repo: 'acme/gitops',
      cacheDir: join(work, 'cache'),
    });
    await fresh.checkout('main');
    expect(tarballRequests).toBe(1);
  });
});
