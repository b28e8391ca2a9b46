import { credentialsFromEnv } from './git-auth.ts';
import { GitSource } from './git-source.ts';
import { LocalGitSource } from './local-git-source.ts';

export interface OpenSourceOptions {
  /** A smart-HTTP URL (`https://...`, `http://...`) or a path on this machine. */
  repo: string;
  cacheDir: string;
  /** Where SYNCWAVE_GIT_USERNAME / SYNCWAVE_GIT_TOKEN are read from. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** True when `repo` names a remote repository rather than a local path. */
export function isRemoteRepo(repo: string): boolean {
  return /^https?:\/\//i.test(repo);
}

/** The Source for `--repo URL|PATH`. */
export async function openSource(opts: OpenSourceOptions): Promise<GitSource | LocalGitSource> {
  if (isRemoteRepo(opts.repo)) {
    return new GitSource({
      url: opts.repo,
      cacheDir: opts.cacheDir,
      credentials: credentialsFromEnv(opts.env ?? {}),
    });
  }
  return LocalGitSource.open({ path: opts.repo, cacheDir: opts.cacheDir });
}
