import { stat } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import type { Checkout, Source } from '../../engine/index.ts';
import { cachedCheckout } from './checkout-cache.ts';
import { GitSourceError } from './errors.ts';
import { GitObjectReader } from './git-object-reader.ts';

export interface LocalGitSourceOptions {
  /** A working tree (with `.git/`) or a bare repository on this machine. */
  path: string;
  /** Holds `checkouts/<sha>/`. */
  cacheDir: string;
}

/**
 * A repository on this machine (`--repo ./path`), read straight from its object store with
 * isomorphic-git: committed content only, no network, no copy of the history.
 */
export class LocalGitSource implements Source {
  private constructor(
    private readonly reader: GitObjectReader,
    private readonly opts: LocalGitSourceOptions,
  ) {}

  /** Finds the git directory of `path` (`path/.git` or a bare `path`). */
  static async open(opts: LocalGitSourceOptions): Promise<LocalGitSource> {
    const path = resolvePath(opts.path);
    for (const gitdir of [join(path, '.git'), path]) {
      if (await isDir(join(gitdir, 'objects'))) return new LocalGitSource(new GitObjectReader(gitdir), opts);
    }
    throw new GitSourceError(
      `${path} is not a git repository: run \`git init\` there and commit, or pass a URL`,
    );
  }

  async resolve(ref: string): Promise<string> {
    const oid =
      (/^[0-9a-f]{40}$/.test(ref) && (await this.reader.hasCommit(ref)) ? ref : undefined) ??
      (await this.reader.resolveRef(ref)) ??
      (/^[0-9a-f]{4,39}$/.test(ref) ? await this.reader.expand(ref) : undefined);
    if (!oid)
      throw new GitSourceError(
        `${this.opts.path}: no branch, tag or commit "${ref}"; commit to it, or fix the branch in syncwave.yaml`,
      );
    return oid;
  }

  async checkout(revision: string): Promise<Checkout> {
    await this.ensureCommit(revision);
    return cachedCheckout(this.opts.cacheDir, revision, (dir) => this.reader.writeTree(revision, dir));
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    if (ancestor === descendant) return true;
    await this.ensureCommit(ancestor);
    await this.ensureCommit(descendant);
    return this.reader.isDescendent(descendant, ancestor);
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    await this.ensureCommit(a);
    await this.ensureCommit(b);
    return this.reader.mergeBase(a, b);
  }

  async changedPaths(from: string, to: string): Promise<string[] | undefined> {
    if (!(await this.reader.hasCommit(from)) || !(await this.reader.hasCommit(to))) return undefined;
    return this.reader.changedPaths(from, to);
  }

  private async ensureCommit(oid: string): Promise<void> {
    if (!(await this.reader.hasCommit(oid))) {
      throw new GitSourceError(`${this.opts.path}: no commit ${oid} in the repository`);
    }
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
