// A GitHub push webhook as GitHub sends it: the payload built from real git history
// (commits with added/modified/removed paths), signed with X-Hub-Signature-256.
import { createHmac, randomUUID } from 'node:crypto';
import type { GitWorkRepo } from '../../harness/git-work-repo.ts';

export const ZERO_SHA = '0000000000000000000000000000000000000000';

export interface PushCommit {
  id: string;
  message: string;
  timestamp: string;
  added: string[];
  modified: string[];
  removed: string[];
}

export interface GithubPushPayload {
  ref: string;
  before: string;
  after: string;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  size: number;
  commits: PushCommit[];
  head_commit: PushCommit | null;
  repository: {
    full_name: string;
    name: string;
    clone_url: string;
    html_url: string;
    default_branch: string;
  };
  pusher: { name: string; email: string };
  sender: { login: string };
}

/** The commits GitHub lists for a push from `before` to `after` (oldest first), from the work repo's history. */
export async function commitsBetween(
  repo: GitWorkRepo,
  before: string,
  after: string,
): Promise<PushCommit[]> {
  const range = before === ZERO_SHA ? [after] : [`${before}..${after}`];
  const shas = (await repo.git('rev-list', '--reverse', ...range)).split('\n').filter(Boolean);
  const commits: PushCommit[] = [];
  for (const sha of shas) {
    const message = await repo.git('log', '-1', '--format=%B', sha);
    const timestamp = await repo.git('log', '-1', '--format=%aI', sha);
    // -m --first-parent: a merge commit lists what it brought in relative to its first parent.
    const status = await repo.git(
      'diff-tree',
      '--root',
      '--no-commit-id',
      '-r',
      '-m',
      '--first-parent',
      '--name-status',
      sha,
    );
    const c: PushCommit = { id: sha, message, timestamp, added: [], modified: [], removed: [] };
    for (const line of status.split('\n').filter(Boolean)) {
      const [kind = '', path = ''] = line.split('\t');
      if (kind.startsWith('A')) c.added.push(path);
      else if (kind.startsWith('D')) c.removed.push(path);
      else c.modified.push(path);
    }
    commits.push(c);
  }
  return commits;
}

/** The push payload for `branch` moving from `before` (ZERO_SHA: branch created) to `after`. */
export async function pushPayload(opts: {
  repo: GitWorkRepo;
  branch: string;
  before: string;
  after: string;
  /** `owner/name` of the repository. */
  fullName: string;
  cloneUrl: string;
}): Promise<GithubPushPayload> {
  const commits = await commitsBetween(opts.repo, opts.before, opts.after);
  const name = opts.fullName.split('/')[1] ?? opts.fullName;
  return {
    ref: `refs/heads/${opts.branch}`,
    before: opts.before,
    after: opts.after,
    created: opts.before === ZERO_SHA,
    deleted: false,
    forced: false,
    size: commits.length,
    commits,
    head_commit: commits.at(-1) ?? null,
    repository: {
      full_name: opts.fullName,
      name,
      clone_url: opts.cloneUrl,
      html_url: opts.cloneUrl.replace(/\.git$/, ''),
      default_branch: 'main',
    },
    pusher: { name: 'syncwave-demo', email: 'demo@syncwave.invalid' },
    sender: { login: 'syncwave-demo' },
  };
}

export interface WebhookAnswer {
  status: number;
  deliveryId: string;
  body: { message?: string; jobs?: Array<{ id: string; env: string; changedPaths: string[] | 'all' }> };
}

/** POSTs a GitHub webhook delivery; `secret: null` sends it unsigned. */
export async function sendGithubWebhook(opts: {
  url: string;
  secret: string | null;
  payload: unknown;
  event?: string;
  deliveryId?: string;
}): Promise<WebhookAnswer> {
  const body = Buffer.from(JSON.stringify(opts.payload));
  const deliveryId = opts.deliveryId ?? randomUUID();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/syncwave-demo',
    'x-github-event': opts.event ?? 'push',
    'x-github-delivery': deliveryId,
    'x-github-hook-id': '1',
  };
  if (opts.secret !== null)
    headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', opts.secret).update(body).digest('hex')}`;
  // A pooled keep-alive connection (from a /healthz probe) that the server closes just as the POST
  // goes out fails with ECONNRESET before the request was read: sent again, same delivery ID.
  const post = () => fetch(opts.url, { method: 'POST', headers, body });
  const res = await post().catch((e: Error & { cause?: { code?: string } }) => {
    if (e.cause?.code === 'ECONNRESET' || e.cause?.code === 'UND_ERR_SOCKET') return post();
    throw e;
  });
  const text = await res.text();
  let parsed: WebhookAnswer['body'] = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { message: text };
  }
  return { status: res.status, deliveryId, body: parsed };
}
