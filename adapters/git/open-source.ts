import { type GitCredentials, resolveGitCredentials } from './git-auth.ts';
import { GitSource } from './git-source.ts';
import { LocalGitSource } from './local-git-source.ts';
import { splitRepoUrl } from './repo-url.ts';

export interface OpenSourceOptions {
  /** A smart-HTTP URL (`https://...`, `http://...`) or a path on this machine. */
  repo: string;
  cacheDir: string;
  /** Where SYNCWAVE_GIT_USERNAME / SYNCWAVE_GIT_TOKEN / SYNCWAVE_GIT_CREDENTIALS_FILE are read from. */
  env?: Readonly<Record<string, string | undefined>>;
  /** `--git-credentials-file`: TOKEN or USERNAME:TOKEN. */
  credentialsFile?: string;
  /** Credentials resolved by the caller (who also scrubs the token from its output). */
  credentials?: GitCredentials;
}

/** True when `repo` names a remote repository rather than a local path. */
export function isRemoteRepo(repo: string): boolean {
  return /^https?:\/\//i.test(repo);
}

/**
 * The Source for `--repo URL|PATH`. Userinfo in the URL is taken out at once (the source, its
 * messages and its cache only ever see the bare URL); it is used as credentials only when no
 * credentials file or SYNCWAVE_GIT_TOKEN is given.
 */
export async function openSource(opts: OpenSourceOptions): Promise<GitSource | LocalGitSource> {
  const { repo, credentials: fromUrl } = splitRepoUrl(opts.repo);
  if (isRemoteRepo(repo)) {
    return new GitSource({
      url: repo,
      cacheDir: opts.cacheDir,
      credentials:
        opts.credentials ??
        resolveGitCredentials({ file: opts.credentialsFile, env: opts.env ?? {}, fromUrl }),
    });
  }
  return LocalGitSource.open({ path: opts.repo, cacheDir: opts.cacheDir });
}
