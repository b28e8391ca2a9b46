import type { Environment, Job } from '../engine/index.ts';
import type { PushEvent } from './push-event.ts';
import { repoIdentity, sameRepo } from './repo-identity.ts';

export interface PushToJobsInput {
  push: PushEvent;
  deliveryId: string;
  environments: ReadonlyArray<Pick<Environment, 'name' | 'branch'>>;
  /** The repository jobs name; the push's own `owner/name` when absent. */
  repo?: string;
  now: Date;
}

export type PushToJobsResult = { jobs: Job[] } | { ignored: string };

const BRANCH_PREFIX = 'refs/heads/';

/**
 * True when the configured repository names the pushed one exactly: an `owner/name` against the
 * push's full name, a URL against the push's clone, SSH, git and web URLs (host and path).
 * A configured value that names no repository matches nothing.
 */
export function repoMatches(configured: string, push: Pick<PushEvent, 'repo' | 'repoAliases'>): boolean {
  const want = repoIdentity(configured);
  if (!want) return false;
  if (want.host === undefined) {
    const fullName = repoIdentity(push.repo);
    return fullName !== undefined && fullName.host === undefined && sameRepo(want, fullName);
  }
  return push.repoAliases.some((alias) => {
    const id = repoIdentity(alias);
    return id?.host !== undefined && sameRepo(want, id);
  });
}

/** One job per environment bound to the pushed branch; the reason when the push deploys nothing. */
export function pushToJobs(input: PushToJobsInput): PushToJobsResult {
  const { push } = input;
  if (!push.ref.startsWith(BRANCH_PREFIX)) return { ignored: `${push.ref} is not a branch` };
  const branch = push.ref.slice(BRANCH_PREFIX.length);
  if (push.deleted) return { ignored: `branch ${branch} was deleted` };
  if (input.repo !== undefined && !repoMatches(input.repo, push)) {
    return { ignored: `push to ${push.repo}, not the configured repository ${input.repo}` };
  }
  // An environment bound to HEAD (an Application's `targetRevision: HEAD`) follows the default
  // branch, as Argo CD's webhook handler does.
  const envs = input.environments.filter(
    (e) => e.branch === branch || (e.branch === 'HEAD' && push.defaultBranch === branch),
  );
  if (envs.length === 0) return { ignored: `no environment is bound to branch ${branch}` };
  const enqueuedAt = input.now.toISOString();
  return {
    jobs: envs.map((env) => ({
      id: `${input.deliveryId}:${env.name}`,
      repo: input.repo ?? push.repo,
      env: env.name,
      revision: push.after,
      changedPaths: push.changedPaths === 'all' ? 'all' : [...push.changedPaths],
      reason: 'push',
      enqueuedAt,
    })),
  };
}
