/**
 * A pull request (GitHub) or merge request (GitLab) event, reduced to what a preview needs.
 */
import { ZERO_SHA } from './push-event.ts';

export interface PullRequestEvent {
  provider: 'github' | 'gitlab';
  /** `owner/name` of the repository the request targets. */
  repo: string;
  /** Other names of that repository (clone and web URLs), for matching a configured repo. */
  repoAliases: string[];
  number: number;
  /** The branch the request merges into. */
  baseBranch: string;
  /** The head commit to preview. */
  headSha: string;
  /** The head branch (in the head repository). */
  headBranch: string;
  /** The head lives in another repository than the base. */
  fork: boolean;
}

/** An event that starts no preview, with why; or a malformed payload. */
export type ParsePullRequestResult =
  | { ok: true; pr: PullRequestEvent }
  | { ok: false; ignored: string }
  | { ok: false; invalid: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Json => (isObject(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const FULL_SHA = /^[0-9a-f]{40}$/;

/** GitHub actions that bring a new head to preview. */
const GITHUB_ACTIONS = ['opened', 'synchronize', 'reopened'];

export function parseGithubPullRequest(payload: unknown): ParsePullRequestResult {
  if (!isObject(payload)) return { ok: false, invalid: 'GitHub pull_request payload is not a JSON object' };
  const action = str(payload.action) ?? '?';
  if (!GITHUB_ACTIONS.includes(action))
    return {
      ok: false,
      ignored: `pull_request action ${action}: only ${GITHUB_ACTIONS.join(', ')} are previewed`,
    };
  const pr = obj(payload.pull_request);
  const head = obj(pr.head);
  const base = obj(pr.base);
  const repository = obj(payload.repository);
  const repo = str(repository.full_name);
  const number = typeof payload.number === 'number' ? payload.number : pr.number;
  const headSha = str(head.sha);
  const baseBranch = str(base.ref);
  const headBranch = str(head.ref);
  if (!repo || typeof number !== 'number' || !headSha || !baseBranch || !headBranch)
    return {
      ok: false,
      invalid:
        'GitHub pull_request payload lacks repository.full_name, number, pull_request.head.sha/ref or pull_request.base.ref',
    };
  if (!FULL_SHA.test(headSha))
    return { ok: false, invalid: `pull_request.head.sha "${headSha.slice(0, 60)}" is not a commit SHA` };
  return {
    ok: true,
    pr: {
      provider: 'github',
      repo,
      repoAliases: [repository.clone_url, repository.ssh_url, repository.html_url, repository.git_url]
        .map(str)
        .filter((s): s is string => s !== undefined),
      number,
      baseBranch,
      headSha,
      headBranch,
      fork: !sameRepository(obj(head.repo), obj(base.repo)),
    },
  };
}

/** The same repository by id when both have one, else by full name; a deleted head repository is a fork. */
function sameRepository(head: Json, base: Json): boolean {
  if (typeof head.id === 'number' && typeof base.id === 'number') return head.id === base.id;
  const a = str(head.full_name);
  const b = str(base.full_name);
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

export function parseGitlabMergeRequest(payload: unknown): ParsePullRequestResult {
  if (!isObject(payload)) return { ok: false, invalid: 'GitLab merge request payload is not a JSON object' };
  const attrs = obj(payload.object_attributes);
  const action = str(attrs.action) ?? '?';
  // 'update' fires on any edit; a new head comes with `oldrev`.
  const newHead =
    action === 'open' || action === 'reopen' || (action === 'update' && str(attrs.oldrev) !== undefined);
  if (!newHead) return { ok: false, ignored: `merge request action ${action} brings no new commit` };
  const project = obj(payload.project);
  const repo = str(project.path_with_namespace);
  const number = attrs.iid;
  const headSha = str(obj(attrs.last_commit).id);
  const baseBranch = str(attrs.target_branch);
  const headBranch = str(attrs.source_branch);
  if (!repo || typeof number !== 'number' || !headSha || !baseBranch || !headBranch || ZERO_SHA.test(headSha))
    return {
      ok: false,
      invalid:
        'GitLab merge request payload lacks project.path_with_namespace, object_attributes.iid, last_commit.id, source_branch or target_branch',
    };
  if (!FULL_SHA.test(headSha))
    return { ok: false, invalid: `last_commit.id "${headSha.slice(0, 60)}" is not a commit SHA` };
  const sourceId = attrs.source_project_id;
  const targetId = attrs.target_project_id;
  return {
    ok: true,
    pr: {
      provider: 'gitlab',
      repo,
      repoAliases: [project.git_http_url, project.git_ssh_url, project.web_url]
        .map(str)
        .filter((s): s is string => s !== undefined),
      number,
      baseBranch,
      headSha,
      headBranch,
      fork: typeof sourceId !== 'number' || sourceId !== targetId,
    },
  };
}
