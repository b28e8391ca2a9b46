import * as fs from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import git, { TREE, type WalkerEntry } from 'isomorphic-git';
import { GitSourceError } from './errors.ts';

const FULL_SHA = /^[0-9a-f]{40}$/;

/** Reads commits and trees of one git directory (bare or `.git`) with isomorphic-git, no git binary. */
export class GitObjectReader {
  /** isomorphic-git's pack cache, shared by every call on this reader. */
  private readonly cache: object = {};

  constructor(readonly gitdir: string) {}

  /** True when the commit is in the object store. */
  async hasCommit(oid: string): Promise<boolean> {
    if (!FULL_SHA.test(oid)) return false;
    try {
      await git.readCommit({ fs, gitdir: this.gitdir, oid, cache: this.cache });
      return true;
    } catch {
      return false;
    }
  }

  /** A full SHA for an abbreviated one; undefined when unknown or ambiguous. */
  async expand(short: string): Promise<string | undefined> {
    try {
      return await git.expandOid({ fs, gitdir: this.gitdir, oid: short, cache: this.cache });
    } catch {
      return undefined;
    }
  }

  /** The commit a local ref (branch, tag, `HEAD`) points to; undefined when there is none. */
  async resolveRef(ref: string): Promise<string | undefined> {
    for (const candidate of [ref, `refs/heads/${ref}`, `refs/tags/${ref}`, `refs/remotes/origin/${ref}`]) {
      try {
        const oid = await git.resolveRef({ fs, gitdir: this.gitdir, ref: candidate });
        return await this.peel(oid);
      } catch {}
    }
    return undefined;
  }

  /** Annotated tags point to their commit. */
  private async peel(oid: string): Promise<string> {
    const { type, object } = await git.readObject({
      fs,
      gitdir: this.gitdir,
      oid,
      cache: this.cache,
      format: 'parsed',
    });
    if (type === 'tag') return this.peel((object as { object: string }).object);
    return oid;
  }

  /** The best common ancestor of two commits; undefined when they share none. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const bases = await git.findMergeBase({ fs, gitdir: this.gitdir, oids: [a, b], cache: this.cache });
    return (bases as string[])[0];
  }

  async isDescendent(oid: string, ancestor: string): Promise<boolean> {
    return git.isDescendent({ fs, gitdir: this.gitdir, oid, ancestor, depth: -1, cache: this.cache });
  }

  /**
   * Writes the files of a commit's tree under `dir` (executable bits and symlinks kept,
   * submodules skipped). The tree is untrusted: an entry name that is not one plain path
   * segment, or a name twice in one tree, fails the checkout; every directory and file is
   * created exclusively (never opened when something, such as a symlink, is already there), so
   * nothing is ever written through a symlink or outside `dir`.
   */
  async writeTree(revision: string, dir: string): Promise<void> {
    const { commit } = await git.readCommit({ fs, gitdir: this.gitdir, oid: revision, cache: this.cache });
    await mkdir(dir, { recursive: true });
    await this.writeTreeObject(commit.tree, dir, '');
  }

  private async writeTreeObject(treeOid: string, dir: string, rel: string): Promise<void> {
    const { tree } = await git.readTree({ fs, gitdir: this.gitdir, oid: treeOid, cache: this.cache });
    const seen = new Set<string>();
    for (const entry of tree) {
      const path = rel ? `${rel}/${entry.path}` : entry.path;
      if (!isPlainName(entry.path))
        throw new GitSourceError(`${path}: tree entry name is not allowed in a checkout`);
      if (seen.has(entry.path))
        throw new GitSourceError(`${path}: the tree holds this name twice; refusing the checkout`);
      seen.add(entry.path);
      const target = join(dir, entry.path);
      if (entry.type === 'tree') {
        await mkdir(target).catch(refuse(path));
        await this.writeTreeObject(entry.oid, target, path);
      } else if (entry.type === 'blob') {
        const { blob } = await git.readBlob({ fs, gitdir: this.gitdir, oid: entry.oid, cache: this.cache });
        if (entry.mode === '120000')
          await symlink(Buffer.from(blob).toString('utf8'), target).catch(refuse(path));
        else
          await writeFile(target, blob, { mode: entry.mode === '100755' ? 0o755 : 0o644, flag: 'wx' }).catch(
            refuse(path),
          );
      }
    }
  }

  /** Repository paths whose content or mode differs between two commits (added, removed or changed). */
  async changedPaths(from: string, to: string): Promise<string[]> {
    const paths = await git.walk({
      fs,
      gitdir: this.gitdir,
      cache: this.cache,
      trees: [TREE({ ref: from }), TREE({ ref: to })],
      map: async (path: string, entries: Array<WalkerEntry | null>) => {
        const [a, b] = entries;
        const [oidA, oidB, modeA, modeB] = await Promise.all([a?.oid(), b?.oid(), a?.mode(), b?.mode()]);
        if (oidA === oidB && modeA === modeB) return null;
        const [typeA, typeB] = await Promise.all([a?.type(), b?.type()]);
        // A directory on one side (or both): its files are reported one by one.
        if ((typeA ?? 'tree') === 'tree' && (typeB ?? 'tree') === 'tree') return undefined;
        return path;
      },
    });
    return ((paths ?? []) as string[]).filter((p) => typeof p === 'string').sort();
  }
}

/** One path segment git itself would check out: not empty, `.`, `..` or `.git`, no separator or NUL. */
function isPlainName(name: string): boolean {
  if (name === '' || name === '.' || name === '..' || name.toLowerCase() === '.git') return false;
  return !/[/\\\0]/.test(name);
}

/** A checkout write that found something in its place (a duplicate name, a symlink) is refused. */
function refuse(path: string): (cause: unknown) => never {
  return (cause) => {
    throw new GitSourceError(
      `${path}: cannot be written into the checkout (${(cause as NodeJS.ErrnoException).code ?? cause}); refusing the tree`,
      { cause },
    );
  };
}
