/**
 * A push, as GitHub and GitLab both describe it, reduced to what syncwave needs.
 */

/** GitHub and GitLab list at most this many commits in a push payload. */
export const MAX_LISTED_COMMITS = 20;

/** The `before` of a created branch and the `after` of a deleted one, as GitHub and GitLab send it. */
export const ZERO_SHA = /^0{40}$/;

/** A full commit SHA (GitHub and GitLab send lower-case hex). */
const COMMIT_SHA = /^[0-9a-f]{40}$/;

export interface PushEvent {
  provider: 'github' | 'gitlab';
  /** `owner/name` (GitHub full_name, GitLab path_with_namespace). */
  repo: string;
  /** Other names of the repository (clone and web URLs), for matching a configured repo. */
  repoAliases: string[];
  /** The full ref, e.g. `refs/heads/main`. */
  ref: string;
  /** The repository's default branch (what `HEAD` names), when the payload tells it. */
  defaultBranch?: string;
  before: string;
  after: string;
  /** The branch was deleted: nothing to deploy. */
  deleted: boolean;
  /** Union of added/modified/removed paths of all listed commits; 'all' when the payload cannot tell. */
  changedPaths: string[] | 'all';
  /** Why changedPaths is 'all', for logs. */
  allReason?: string;
}

export type ParsePushResult = { ok: true; push: PushEvent } | { ok: false; message: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface Commit {
  added?: unknown;
  modified?: unknown;
  removed?: unknown;
}

function collectPaths(commits: Commit[]): string[] {
  const paths = new Set<string>();
  for (const c of commits) {
    for (const list of [c.added, c.modified, c.removed]) {
      if (!Array.isArray(list)) continue;
      for (const p of list) if (typeof p === 'string' && p.length > 0) paths.add(p);
    }
  }
  return [...paths].sort();
}

/** Checks the fields every push payload has; the message says which one is missing. */
function baseFields(
  payload: unknown,
  provider: string,
): { ok: true; p: Json } | { ok: false; message: string } {
  if (!isObject(payload)) return { ok: false, message: `${provider} push payload is not a JSON object` };
  for (const key of ['ref', 'before', 'after'] as const) {
    if (typeof payload[key] !== 'string') {
      return { ok: false, message: `${provider} push payload has no string "${key}": not a push event` };
    }
  }
  for (const key of ['before', 'after'] as const) {
    if (!COMMIT_SHA.test(payload[key] as string)) {
      return {
        ok: false,
        message: `${provider} push payload "${key}" is not a 40-hex commit SHA: ${JSON.stringify((payload[key] as string).slice(0, 60))}`,
      };
    }
  }
  if (!Array.isArray(payload.commits)) {
    return { ok: false, message: `${provider} push payload has no "commits" array: not a push event` };
  }
  return { ok: true, p: payload };
}

function changed(
  commits: Commit[],
  signals: Array<[boolean, string]>,
): Pick<PushEvent, 'changedPaths' | 'allReason'> {
  for (const [when, reason] of signals) if (when) return { changedPaths: 'all', allReason: reason };
  return { changedPaths: collectPaths(commits) };
}

function optional<K extends string>(key: K, value: string | undefined): { [k in K]?: string } {
  return (value ? { [key]: value } : {}) as { [k in K]?: string };
}

export function parseGithubPush(payload: unknown): ParsePushResult {
  const base = baseFields(payload, 'GitHub');
  if (!base.ok) return base;
  const { p } = base;
  const repository = isObject(p.repository) ? p.repository : {};
  const repo = str(repository.full_name);
  if (!repo) return { ok: false, message: 'GitHub push payload has no repository.full_name' };
  const commits = p.commits as Commit[];
  const before = p.before as string;
  const after = p.after as string;
  const deleted = p.deleted === true || ZERO_SHA.test(after);
  const size = typeof p.size === 'number' ? p.size : undefined;
  return {
    ok: true,
    push: {
      provider: 'github',
      repo,
      repoAliases: [repository.clone_url, repository.ssh_url, repository.html_url, repository.git_url]
        .map(str)
        .filter((s): s is string => s !== undefined),
      ref: p.ref as string,
      ...optional('defaultBranch', str(repository.default_branch) ?? str(repository.master_branch)),
      before,
      after,
      deleted,
      ...changed(commits, [
        [p.created === true || ZERO_SHA.test(before), 'branch created'],
        [p.forced === true, 'forced push'],
        [commits.length === 0, 'no commits listed'],
        [commits.length >= MAX_LISTED_COMMITS, `more than ${MAX_LISTED_COMMITS - 1} commits`],
        [size !== undefined && size > commits.length, 'payload lists fewer commits than pushed'],
      ]),
    },
  };
}

export function parseGitlabPush(payload: unknown): ParsePushResult {
  const base = baseFields(payload, 'GitLab');
  if (!base.ok) return base;
  const { p } = base;
  const project = isObject(p.project) ? p.project : {};
  const repository = isObject(p.repository) ? p.repository : {};
  const repo = str(project.path_with_namespace);
  if (!repo) return { ok: false, message: 'GitLab push payload has no project.path_with_namespace' };
  const commits = p.commits as Commit[];
  const before = p.before as string;
  const after = p.after as string;
  const total = typeof p.total_commits_count === 'number' ? p.total_commits_count : undefined;
  return {
    ok: true,
    push: {
      provider: 'gitlab',
      repo,
      repoAliases: [
        project.git_http_url,
        project.git_ssh_url,
        project.web_url,
        repository.git_http_url,
        repository.git_ssh_url,
        repository.homepage,
      ]
        .map(str)
        .filter((s): s is string => s !== undefined),
      ref: p.ref as string,
      ...optional('defaultBranch', str(project.default_branch)),
      before,
      after,
      deleted: ZERO_SHA.test(after),
      ...changed(commits, [
        [ZERO_SHA.test(before), 'branch created'],
        [commits.length === 0, 'no commits listed'],
        [commits.length >= MAX_LISTED_COMMITS, `more than ${MAX_LISTED_COMMITS - 1} commits`],
        [total !== undefined && total > commits.length, 'payload lists fewer commits than pushed'],
      ]),
    },
  };
}
