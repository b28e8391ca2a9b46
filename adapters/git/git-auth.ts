import { readFileSync } from 'node:fs';
import type { AuthCallback } from 'isomorphic-git';
import { GitSourceError } from './errors.ts';

/** Credentials for a smart-HTTP host: a user name and a token (a GitHub PAT, a GitLab token). */
export interface GitCredentials {
  username: string;
  token: string;
}

/**
 * Credentials from SYNCWAVE_GIT_USERNAME / SYNCWAVE_GIT_TOKEN; undefined when no token is set.
 * GitHub and GitLab accept any user name with a token, so the user name defaults to `x-access-token`.
 */
export function credentialsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): GitCredentials | undefined {
  const token = env.SYNCWAVE_GIT_TOKEN;
  if (!token) return undefined;
  return { username: env.SYNCWAVE_GIT_USERNAME || 'x-access-token', token };
}

/** isomorphic-git's onAuth: answers a 401 with the credentials once, then gives up. */
export function onAuthFor(credentials: GitCredentials | undefined): AuthCallback | undefined {
  if (!credentials) return undefined;
  return () => ({ username: credentials.username, password: credentials.token });
}

/**
 * Credentials from a file (`--git-credentials-file`, SYNCWAVE_GIT_CREDENTIALS_FILE): one line,
 * `TOKEN` or `USERNAME:TOKEN`. A missing or empty file is an error naming the file, never its content.
 */
export function credentialsFromFile(file: string): GitCredentials {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new GitSourceError(
      `${file}: cannot read the git credentials (${(err as NodeJS.ErrnoException).code ?? 'error'}); write TOKEN or USERNAME:TOKEN into it`,
      { cause: err },
    );
  }
  if (!text)
    throw new GitSourceError(
      `${file}: the git credentials file is empty; write TOKEN or USERNAME:TOKEN into it`,
    );
  const line = text.split('\n')[0]!.trim();
  const colon = line.indexOf(':');
  return colon > 0
    ? { username: line.slice(0, colon), token: line.slice(colon + 1) }
    : { username: 'x-access-token', token: line };
}

/**
 * The credentials to use, first found: the credentials file (flag or SYNCWAVE_GIT_CREDENTIALS_FILE),
 * SYNCWAVE_GIT_TOKEN, then userinfo that was in the repository URL.
 */
export function resolveGitCredentials(opts: {
  file?: string;
  env: Readonly<Record<string, string | undefined>>;
  fromUrl?: GitCredentials;
}): GitCredentials | undefined {
  const file = opts.file ?? opts.env.SYNCWAVE_GIT_CREDENTIALS_FILE;
  if (file) return credentialsFromFile(file);
  return credentialsFromEnv(opts.env) ?? opts.fromUrl;
}
