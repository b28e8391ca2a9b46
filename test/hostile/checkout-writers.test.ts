// Hostile trees against the checkout writers: the git object reader (LocalGitSource over a real
// bare repository whose trees are hand-made with real git) and the GitHub tarball extraction
// (hand-made tar archives). None may write outside the checkout or through a symlink.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalGitSource } from '../../adapters/git/local-git-source.ts';
import { extractTarball } from '../../adapters/github/extract-tarball.ts';
import { blob, commit, initBare, tree } from './support/raw-git.ts';
import { tarball } from './support/raw-tar.ts';

let tmp: string;
let outside: string;
let gitdir: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'syncwave-hostile-writers-'));
  outside = join(tmp, 'outside');
  await mkdir(outside);
  gitdir = join(tmp, 'repo.git');
  initBare(gitdir);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function checkoutOf(treeOid: string) {
  const revision = commit(gitdir, treeOid);
  const source = await LocalGitSource.open({ path: gitdir, cacheDir: join(tmp, 'cache') });
  return { revision, run: () => source.checkout(revision) };
}

describe('git checkout writer', () => {
  it('refuses a symlink `apps` and a tree `apps` in one tree, writing nothing through the link', async () => {
    const evil = blob(gitdir, 'kind: ConfigMap\n');
    const inner = tree(gitdir, [{ mode: '100644', name: 'evil.yaml', oid: evil }]);
    const link = blob(gitdir, outside);
    const root = tree(gitdir, [
      { mode: '120000', name: 'apps', oid: link },
      { mode: '40000', name: 'apps', oid: inner },
    ]);
    const { run } = await checkoutOf(root);

    await expect(run()).rejects.toThrow(/^apps: the tree holds this name twice/);
    expect(await readdir(outside)).toEqual([]);
    expect((await readdir(join(tmp, 'cache', 'checkouts'))).filter((d) => !d.startsWith('.'))).toEqual([]);
  });

  it('refuses a file name twice in one tree', async () => {
    const a = blob(gitdir, 'a: 1\n');
    const b = blob(gitdir, 'b: 2\n');
    const apps = tree(gitdir, [
      { mode: '100644', name: 'cm.yaml', oid: a },
      { mode: '100644', name: 'cm.yaml', oid: b },
    ]);
    const root = tree(gitdir, [{ mode: '40000', name: 'apps', oid: apps }]);
    const { run } = await checkoutOf(root);

    await expect(run()).rejects.toThrow(/^apps\/cm\.yaml: the tree holds this name twice/);
  });

  it.each(['..', '.git', 'a/b'])('refuses the tree entry name %j', async (name) => {
    const a = blob(gitdir, 'x: 1\n');
    const root = tree(gitdir, [{ mode: '100644', name, oid: a }]);
    const { run } = await checkoutOf(root);

    // isomorphic-git refuses these while reading the tree; our own check is the second line.
    await expect(run()).rejects.toThrow(
      new RegExp(`"${name}" contains unsafe character sequences|tree entry name is not allowed`),
    );
    expect(await readdir(outside)).toEqual([]);
  });

  it('still writes an ordinary tree with a relative symlink', async () => {
    const a = blob(gitdir, 'x: 1\n');
    const link = blob(gitdir, 'values.yaml');
    const root = tree(gitdir, [
      { mode: '120000', name: 'link.yaml', oid: link },
      { mode: '100644', name: 'values.yaml', oid: a },
    ]);
    const { run } = await checkoutOf(root);

    const co = await run();
    expect((await readdir(co.dir)).sort()).toEqual(['link.yaml', 'values.yaml']);
  });
});

describe('GitHub tarball extraction', () => {
  async function extractInto(bytes: Buffer) {
    const dir = await mkdtemp(join(tmp, 'tar-'));
    return { dir, run: () => extractTarball(bytes, dir) };
  }

  it('refuses an entry below a symlink of the archive, writing nothing through it', async () => {
    const { run } = await extractInto(
      tarball('acme-gitops-1234567', [
        { path: 'apps', type: 'symlink', linkpath: outside },
        { path: 'apps/evil.yaml', type: 'file', content: 'kind: ConfigMap\n' },
      ]),
    );

    await expect(run()).rejects.toThrow(/^apps\/evil\.yaml: lies below the symlink apps of the archive/);
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a path twice', async () => {
    const { run } = await extractInto(
      tarball('acme-gitops-1234567', [
        { path: 'cm.yaml', type: 'file', content: 'a: 1\n' },
        { path: 'cm.yaml', type: 'file', content: 'b: 2\n' },
      ]),
    );

    await expect(run()).rejects.toThrow(/^cm\.yaml: the archive holds this path twice/);
  });

  it('refuses a hard link', async () => {
    const { run, dir } = await extractInto(
      tarball('acme-gitops-1234567', [{ path: 'passwd', type: 'hardlink', linkpath: '/etc/passwd' }]),
    );

    await expect(run()).rejects.toThrow(/^passwd: Link entries are not allowed/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('extracts an ordinary archive without its top directory', async () => {
    const { run, dir } = await extractInto(
      tarball('acme-gitops-1234567', [
        { path: 'apps', type: 'dir' },
        { path: 'apps/cm.yaml', type: 'file', content: 'a: 1\n' },
        { path: 'link.yaml', type: 'symlink', linkpath: 'apps/cm.yaml' },
      ]),
    );

    await run();
    expect((await readdir(dir)).sort()).toEqual(['apps', 'link.yaml']);
  });
});
