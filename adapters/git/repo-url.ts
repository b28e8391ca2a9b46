import { redactUrl } from '../../engine/index.ts';
import type { GitCredentials } from './git-auth.ts';

export interface SplitRepoUrl {
  /** The repository without userinfo: what logs, jobs and answers name. */
  repo: string;
  /** `user:token@` taken out of an http(s) URL, if there was one. */
  credentials?: GitCredentials;
}

/**
 * `--repo` split at parse time into the repository and the credentials written into its URL
 * (`https://user:token@host/...`), so the token never reaches a log, a job record or an answer.
 */
export function splitRepoUrl(repo: string): SplitRepoUrl {
  if (!/^https?:\/\//i.test(repo)) return { repo };
  let url: URL;
  try {
    url = new URL(repo);
  } catch {
    return { repo: redactUrl(repo) };
  }
  if (!url.username && !url.password) return { repo };
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const credentials = password
    ? { username: username || 'x-access-token', token: password }
    : { username: 'x-access-token', token: username };
  return { repo: redactUrl(repo), credentials };
}
