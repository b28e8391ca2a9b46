/**
 * Which repository a URL or `owner/name` names, for matching a push against the configured
 * GitOps repository exactly: host (with a non-default port) and path, without userinfo, a
 * trailing `.git` or slash. GitHub and GitLab treat owner and name case-insensitively, and so do
 * we; nothing is matched by suffix.
 */
export interface RepoIdentity {
  /** Lower-case host (with `:port` for http(s) and git URLs on a non-default port); absent for `owner/name`. */
  host?: string;
  /** Lower-case path, e.g. `acme/gitops` or `group/sub/project`. */
  path: string;
}

const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/;
const OWNER_NAME = /^[\w.-]+(?:\/[\w.-]+)+$/;

function cleanPath(path: string): string | undefined {
  const trimmed = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .toLowerCase();
  if (!trimmed || trimmed.split('/').some((seg) => seg === '' || seg === '.' || seg === '..'))
    return undefined;
  return trimmed;
}

/** The identity of `owner/name`, an http(s)/git/ssh URL or an scp-like `git@host:owner/name.git`; undefined otherwise (a local path). */
export function repoIdentity(repo: string): RepoIdentity | undefined {
  const text = repo.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return undefined;
    }
    if (!['http:', 'https:', 'git:', 'ssh:'].includes(url.protocol) || !url.hostname) return undefined;
    const path = cleanPath(decodeURIComponent(url.pathname));
    if (!path) return undefined;
    const port = url.port && url.protocol !== 'ssh:' ? `:${url.port}` : '';
    return { host: `${url.hostname.toLowerCase()}${port}`, path };
  }
  if (OWNER_NAME.test(text) && !text.startsWith('.')) {
    const path = cleanPath(text);
    return path ? { path } : undefined;
  }
  const scp = SCP_LIKE.exec(text);
  if (scp && !text.startsWith('/') && !text.startsWith('.')) {
    const path = cleanPath(scp[2]!);
    return path ? { host: scp[1]!.toLowerCase(), path } : undefined;
  }
  return undefined;
}

/** True when `configured` (an identity) names the same repository as `candidate`. */
export function sameRepo(configured: RepoIdentity, candidate: RepoIdentity): boolean {
  if (configured.path !== candidate.path) return false;
  return configured.host === undefined || configured.host === candidate.host;
}
