import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import type { Checkout, Source } from '../../engine/index.ts';
import { cachedCheckout } from './checkout-cache.ts';
import { GitSourceError } from './errors.ts';
import { type GitCredentials, onAuthFor } from './git-auth.ts';
import { GitObjectReader } from './git-object-reader.ts';

export interface GitSourceOptions {
  /** Smart-HTTP URL of the repository (GitHub, GitLab, Gitea, `git http-backend`...). */
  url: string;
  /** Holds `git/<hash>.git` (a bare mirror of the branches) and `checkouts/<sha>/`. */
  cacheDir: string;
  /** Sent when the host answers 401; see credentialsFromEnv(). */
  credentials?: GitCredentials;
}

const FULL_SHA = /^[0-9a-f]{40}$/;
const SHORT_SHA = /^[0-9a-f]{4,39}$/;

/**
 * The GitOps repository at a URL, read with isomorphic-git (pure JS: no git binary, so it runs
 * in Lambda). Branches are mirrored with their history into a bare cache repository, fetched
 * again only when a revision is not there yet.
 */
export class GitSource implements Source {
  private readonly reader: GitObjectReader;
  private readonly onAuth;
  /** Serialises fetches: two at once into one object store would race on refs and packs. */
  private fetching: Promise<unknown> = Promise.resolve();
  private initialised = false;
  /** A branch known to exist on the server, to name in fetches. */
  private knownBranch: string | undefined;

  constructor(private readonly opts: GitSourceOptions) {
    const key = createHash('sha256').update(opts.url).digest('hex').slice(0, 16);
    this.reader = new GitObjectReader(join(opts.cacheDir, 'git', `${key}.git`));
    this.onAuth = onAuthFor(opts.credentials);
  }

  /** The URL without any credentials in it, for messages. */
  private get safeUrl(): string {
    return this.opts.url.replace(/\/\/[^@/]*@/, '//');
  }

  async resolve(ref: string): Promise<string> {
    if (FULL_SHA.test(ref)) {
      await this.ensureCommit(ref);
      return ref;
    }
    const refs = await this.listRefs(ref === 'HEAD' ? 'HEAD' : 'refs/');
    const full = ref.startsWith('refs/') || ref === 'HEAD' ? ref : undefined;
    const match =
      refs.find((r) => r.ref === full) ??
      refs.find((r) => r.ref === `refs/heads/${ref}`) ??
      refs.find((r) => r.ref === `refs/tags/${ref}`);
    if (match) {
      if (match.ref.startsWith('refs/heads/')) this.knownBranch = match.ref.slice('refs/heads/'.length);
      return match.peeled ?? match.oid;
    }
    if (SHORT_SHA.test(ref)) {
      await this.fetchBranches();
      const oid = await this.reader.expand(ref);
      if (oid) return oid;
    }
    const branches = refs.filter((r) => r.ref.startsWith('refs/heads/')).map((r) => r.ref.slice(11));
    throw new GitSourceError(
      `${this.safeUrl}: no branch, tag or commit "${ref}" (branches: ${branches.join(', ') || 'none'}); push it, or fix the branch in syncwave.yaml`,
    );
  }

  async checkout(revision: string): Promise<Checkout> {
    await this.ensureCommit(revision);
    return cachedCheckout(this.opts.cacheDir, revision, (dir) => this.reader.writeTree(revision, dir));
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    if (ancestor === descendant) return true;
    await this.ensureCommit(descendant);
    await this.ensureCommit(ancestor);
    return this.reader.isDescendent(descendant, ancestor);
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    await this.ensureCommit(a);
    await this.ensureCommit(b);
    return this.reader.mergeBase(a, b);
  }

  async changedPaths(from: string, to: string): Promise<string[] | undefined> {
    try {
      await this.ensureCommit(from);
      await this.ensureCommit(to);
    } catch {
      return undefined;
    }
    return this.reader.changedPaths(from, to);
  }

  /** Fetches the branches when the commit is not in the cache yet; throws when the server has it on no branch. */
  private async ensureCommit(oid: string): Promise<void> {
    if (await this.reader.hasCommit(oid)) return;
    await this.fetchBranches();
    if (await this.reader.hasCommit(oid)) return;
    throw new GitSourceError(
      `${this.safeUrl}: commit ${oid} is on no branch of the repository; push it to a branch, or pick a commit of an environment branch`,
    );
  }

  /** The server's refs under `prefix` ('HEAD' lists the default branch's HEAD, which 'refs/' leaves out). */
  private async listRefs(prefix = 'refs/') {
    try {
      return await git.listServerRefs({
        http,
        url: this.opts.url,
        onAuth: this.onAuth,
        prefix,
        peelTags: true,
      });
    } catch (err) {
      throw this.networkError(err);
    }
  }

  private fetchBranches(): Promise<void> {
    const next = this.fetching.then(() => this.fetchNow());
    this.fetching = next.catch(() => undefined);
    return next;
  }

  private async fetchNow(): Promise<void> {
    const { gitdir } = this.reader;
    try {
      if (!this.initialised) {
        await git.init({ fs, gitdir, bare: true });
        await git.addRemote({ fs, gitdir, remote: 'origin', url: this.opts.url, force: true });
        this.initialised = true;
      }
      await git.fetch({
        fs,
        http,
        gitdir,
        url: this.opts.url,
        remote: 'origin',
        ref: this.knownBranch ?? 'HEAD',
        singleBranch: false,
        tags: false,
        onAuth: this.onAuth,
      });
    } catch (err) {
      throw this.networkError(err);
    }
  }

  private networkError(err: unknown): GitSourceError {
    const e = err as { code?: string; data?: { statusCode?: number }; message?: string };
    const status = e.data?.statusCode;
    const hint =
      status === 401 || status === 403
        ? 'set SYNCWAVE_GIT_USERNAME and SYNCWAVE_GIT_TOKEN to credentials that can read the repository'
        : status === 404
          ? 'check the repository URL'
          : 'check the URL and that the host is reachable';
    return new GitSourceError(`${this.safeUrl}: ${e.message ?? String(err)}; ${hint}`, { cause: err });
  }
}
