import type { AuthCallback } from 'isomorphic-git';

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
