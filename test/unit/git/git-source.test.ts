// GitSource and LocalGitSource against a real git smart-HTTP server on loopback
// (harness/git-server.ts: git http-backend in its own process) and a real git working tree.
import { chmod, mkdtemp, readFile, readlink, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitSource } from '../../../adapters/git/git-source.ts';
import { LocalGitSource } from '../../../adapters/git/local-git-source.ts';
import { openSource } from '../../../adapters/git/open-source.ts';
import { type RunningGitServer, startGitServer } from '../../../harness/git-server.ts';
import { createWorkRepo, type GitWorkRepo } from '../../../harness/git-work-repo.ts';

let tmp: string;
let server: RunningGitServer;
let repo: GitWorkRepo;
let url: string;
let first: string;
let second: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'syncwave-git-'));
  server = await startGitServer({ root: join(tmp, 'root'), auth: 'alice:s3cret' });
  url = `${server.url}/gitops.git`;
  const authUrl = url.replace('http://', 'http://alice:s3cret@');
  repo = await createWorkRepo({
    dir: join(tmp, 'work'),
    bareDir: join(tmp, 'root', 'gitops.git'),
    remoteUrl: authUrl,
  });
  await repo.write('apps/frontend/values.yaml', 'image:\n  tag: 2.0.0\n');
  await repo.write('apps/backend/deploy.yaml', 'kind: Deployment\n');
  await repo.write('bin/run.sh', '#!/bin/sh\necho hi\n');
  await chmod(join(tmp, 'work', 'bin/run.sh'), 0o755);
  await repo.commitAll('apps');
  await symlink('values.yaml', join(tmp, 'work', 'apps/frontend/link.yaml'));
  first = await repo.commitAll('link');
  await repo.push('develop');
  await repo.write('apps/frontend/values.yaml', 'image:\n  tag: 2.0.1\n');
  await rm(join(tmp, 'work', 'apps/backend/deploy.yaml'));
  second = await repo.commitAll('frontend 2.0.1');
  await repo.push('develop');
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await rm(tmp, { recursive: true, force: true });
});

function remote(cache: string): GitSource {
  return new GitSource({
    url,
    cacheDir: join(tmp, cache),
    credentials: { username: 'alice', token: 's3cret' },
  });
}

describe('GitSource (smart HTTP)', () => {
  it('resolves a branch to its tip and a short SHA to the full one', async () => {
    const source = remote('c1');
    expect(await source.resolve('develop')).toBe(second);
    expect(await source.resolve('main')).toBe(await repo.head('main'));
    expect(await source.resolve(first.slice(0, 10))).toBe(first);
  });

  it('checks a revision out into <cacheDir>/checkouts/<sha>, modes and symlinks kept', async () => {
    const source = remote('c2');
    const co = await source.checkout(first);
    expect(co.dir).toBe(join(tmp, 'c2', 'checkouts', first));
    expect(await readFile(join(co.dir, 'apps/frontend/values.yaml'), 'utf8')).toContain('2.0.0');
    expect((await stat(join(co.dir, 'bin/run.sh'))).mode & 0o111).not.toBe(0);
    expect(await readlink(join(co.dir, 'apps/frontend/link.yaml'))).toBe('values.yaml');
    const again = await source.checkout(first);
    expect(again.dir).toBe(co.dir);
  });

  it('tells ancestors and lists changed paths', async () => {
    const source = remote('c3');
    expect(await source.isAncestor(first, second)).toBe(true);
    expect(await source.isAncestor(second, first)).toBe(false);
    expect(await source.isAncestor(second, second)).toBe(true);
    expect(await source.changedPaths(first, second)).toEqual([
      'apps/backend/deploy.yaml',
      'apps/frontend/values.yaml',
    ]);
  });

  it('fetches again for a commit pushed after the first fetch', async () => {
    const source = remote('c4');
    await source.checkout(second);
    await repo.write('apps/frontend/extra.yaml', 'x: 1\n');
    const third = await repo.commitAll('third');
    await repo.push('develop');
    expect(await source.resolve('develop')).toBe(third);
    expect(await source.changedPaths(second, third)).toEqual(['apps/frontend/extra.yaml']);
  });

  it('says what to do for an unknown branch, a missing commit and bad credentials', async () => {
    const source = remote('c5');
    await expect(source.resolve('release')).rejects.toThrow(
      /no branch, tag or commit "release".*branches: develop, main/,
    );
    await expect(source.checkout('0'.repeat(40))).rejects.toThrow(/on no branch/);
    const anonymous = new GitSource({ url, cacheDir: join(tmp, 'c6') });
    await expect(anonymous.resolve('develop')).rejects.toThrow(/SYNCWAVE_GIT_TOKEN/);
  });

  it('is picked by openSource for a URL, credentials from the environment', async () => {
    const source = await openSource({
      repo: url,
      cacheDir: join(tmp, 'c7'),
      env: { SYNCWAVE_GIT_USERNAME: 'alice', SYNCWAVE_GIT_TOKEN: 's3cret' },
    });
    expect(source).toBeInstanceOf(GitSource);
    expect(await source.resolve('main')).toBe(await repo.head('main'));
  });
});

describe('LocalGitSource (a path)', () => {
  it('reads the working repository without a network', async () => {
    const source = await openSource({ repo: join(tmp, 'work'), cacheDir: join(tmp, 'l1') });
    expect(source).toBeInstanceOf(LocalGitSource);
    const head = await repo.head('develop');
    expect(await source.resolve('develop')).toBe(head);
    expect(await source.resolve('HEAD')).toBe(head);
    expect(await source.isAncestor(first, head)).toBe(true);
    expect(await source.changedPaths(first, second)).toEqual([
      'apps/backend/deploy.yaml',
      'apps/frontend/values.yaml',
    ]);
    const co = await source.checkout(first);
    expect(await readFile(join(co.dir, 'apps/backend/deploy.yaml'), 'utf8')).toBe('kind: Deployment\n');
  });

  it('reads a bare repository and packed objects', async () => {
    await repo.git('--git-dir', join(tmp, 'root', 'gitops.git'), 'gc', '-q');
    const source = await LocalGitSource.open({
      path: join(tmp, 'root', 'gitops.git'),
      cacheDir: join(tmp, 'l2'),
    });
    expect(await source.resolve('main')).toBe(await repo.head('main'));
    const co = await source.checkout(second);
    expect(await readFile(join(co.dir, 'apps/frontend/values.yaml'), 'utf8')).toContain('2.0.1');
  });

  it('rejects a directory that is not a repository', async () => {
    await expect(LocalGitSource.open({ path: tmp, cacheDir: join(tmp, 'l3') })).rejects.toThrow(
      /not a git repository/,
    );
  });
});
