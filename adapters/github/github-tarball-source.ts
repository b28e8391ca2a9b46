import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Octokit } from '@octokit/rest';
import type { Checkout, Source } from '../../engine/index.ts';
import { extractTarball } from './extract-tarball.ts';
import { githubCompare, githubIsAncestor } from './github-compare.ts';
import { parseRepoName } from './repo-name.ts';

export interface GithubTarballSourceOptions {
  octokit: Octokit;
  /** `owner/name`. */
  repo: string;
  /** Where checkouts are kept, one directory per revision. `/tmp/syncwave/checkouts` unless told (Lambda's writable disk). */
  cacheDir?: string;
}

const FULL_SHA = /^[0-9a-f]{40}$/;

/**
 * The GitOps repository through GitHub's API: one tarball per revision (no git, no clone), extracted
 * once into the cache directory; ancestry and changed paths through the compare API.
 * No submodules or LFS content (GitHub's archives do not include them).
 */
export class GithubTarballSource implements Source {
  readonly #octokit: Octokit;
  readonly #repo: string;
  readonly #cacheDir: string;
  readonly #inflight = new Map<string, Promise<Checkout>>();

  constructor(options: GithubTarballSourceOptions) {
    this.#octokit = options.octokit;
    this.#repo = options.repo;
    this.#cacheDir = options.cacheDir ?? '/tmp/syncwave/checkouts';
  }

  async resolve(ref: string): Promise<string> {
    const res = await this.#octokit.rest.repos.getCommit({
      ...parseRepoName(this.#repo),
      ref,
      mediaType: { format: 'sha' },
    });
    // Octokit gives text or bytes depending on the charset GitHub names.
    const data = res.data as unknown;
    const sha = (data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : String(data)).trim();
    if (!FULL_SHA.test(sha))
      throw new Error(
        `${this.#repo}: GitHub answered "${sha.slice(0, 60)}" for ref ${ref}, not a commit SHA`,
      );
    return sha;
  }

  checkout(revision: string): Promise<Checkout> {
    let pending = this.#inflight.get(revision);
    if (!pending) {
      pending = this.#checkout(revision).finally(() => this.#inflight.delete(revision));
      this.#inflight.set(revision, pending);
    }
    return pending;
  }

  async #checkout(ref: string): Promise<Checkout> {
    const revision = FULL_SHA.test(ref) ? ref : await this.resolve(ref);
    const dir = join(this.#cacheDir, revision);
    // The directory appears only by an atomic rename of a complete extraction.
    if (await exists(dir)) return { dir, revision };

    // Streamed from the response into the extractor: the archive is never held whole in memory.
    const res = await this.#octokit.rest.repos.downloadTarballArchive({
      ...parseRepoName(this.#repo),
      ref: revision,
      request: { parseSuccessResponseBody: false },
    });
    const body = res.data as unknown as WebReadableStream<Uint8Array> | null;
    if (!body) throw new Error(`${this.#repo}@${revision}: GitHub sent an empty tarball response`);
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(tmp, { recursive: true });
    try {
      await extractTarball(Readable.fromWeb(body), tmp);
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw new Error(`${this.#repo}@${revision}: cannot extract the tarball: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return { dir, revision };
  }

  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return githubIsAncestor({ octokit: this.#octokit, repo: this.#repo, ancestor, descendant });
  }

  async changedPaths(from: string, to: string): Promise<string[] | undefined> {
    return (await githubCompare({ octokit: this.#octokit, repo: this.#repo, base: from, head: to })).files;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
