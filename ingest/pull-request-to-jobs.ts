import type { Environment, Job } from '../engine/index.ts';
import type { PullRequestEvent } from './pull-request-event.ts';
import { repoMatches } from './push-to-jobs.ts';

export interface PullRequestToJobsInput {
  pr: PullRequestEvent;
  deliveryId: string;
  environments: ReadonlyArray<Pick<Environment, 'name' | 'branch'>>;
  /** The configured repository (`owner/name` or URL): requests in other repositories are ignored. */
  repo?: string;
  /**
   * Preview pull requests from forks. Off by default: a fork's content is anyone's, and a
   * preview renders it with our tools and shows what the live cluster holds (object diffs)
   * on a check run anyone can read. A preview never applies, fork or not.
   */
  previewForks: boolean;
  now: Date;
}

export type PullRequestToJobsResult = { jobs: Job[] } | { ignored: string };

/** One preview job per environment bound to the request's base branch, at its head commit. */
export function pullRequestToJobs(input: PullRequestToJobsInput): PullRequestToJobsResult {
  const { pr } = input;
  if (input.repo !== undefined && !repoMatches(input.repo, pr))
    return { ignored: `pull request in ${pr.repo}, not the configured repository ${input.repo}` };
  const envs = input.environments.filter((e) => e.branch === pr.baseBranch);
  if (!envs.length) return { ignored: `no environment is bound to branch ${pr.baseBranch}` };
  if (pr.fork && !input.previewForks)
    return {
      ignored: `pull request #${pr.number} comes from a fork: not previewed (forks are untrusted; enable fork previews to allow it)`,
    };
  const headRef = pr.fork
    ? pr.provider === 'github'
      ? `refs/pull/${pr.number}/head`
      : `refs/merge-requests/${pr.number}/head`
    : pr.headBranch;
  return {
    jobs: envs.map((env) => ({
      id: `${input.deliveryId}:${env.name}:preview`,
      // The repository the request is in (the check run goes there), already matched against input.repo.
      repo: pr.repo,
      env: env.name,
      revision: pr.headSha,
      changedPaths: 'all',
      reason: 'preview',
      pullRequest: { provider: pr.provider, number: pr.number, headRef, fork: pr.fork },
      enqueuedAt: input.now.toISOString(),
    })),
  };
}
