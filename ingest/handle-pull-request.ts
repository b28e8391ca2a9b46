import type { Environment, Queue } from '../engine/index.ts';
import { parseGithubPullRequest, parseGitlabMergeRequest } from './pull-request-event.ts';
import { pullRequestToJobs } from './pull-request-to-jobs.ts';
import type { WebhookResponse } from './webhook-request.ts';

/** What a pull request delivery needs of the webhook handler's deps. */
export interface PullRequestDeps {
  environments: ReadonlyArray<Pick<Environment, 'name' | 'branch'>>;
  repo?: string;
  queue: Queue;
  now: Date;
  previewForks?: boolean;
}

/** GitHub's `pull_request` and GitLab's `Merge Request Hook` events. */
export function isPullRequestEvent(provider: 'github' | 'gitlab', event: string): boolean {
  return provider === 'github' ? event === 'pull_request' : event === 'Merge Request Hook';
}

/**
 * A verified pull (merge) request delivery: one preview job per environment bound to its base
 * branch, at its head commit; 204 with the reason when it previews nothing.
 */
export async function pullRequestAnswer(input: {
  provider: 'github' | 'gitlab';
  payload: unknown;
  deliveryId: string;
  deps: PullRequestDeps;
}): Promise<WebhookResponse> {
  const { deliveryId, deps } = input;
  const parsed =
    input.provider === 'github'
      ? parseGithubPullRequest(input.payload)
      : parseGitlabMergeRequest(input.payload);
  if (!parsed.ok)
    return 'invalid' in parsed
      ? { status: 400, body: { message: parsed.invalid, deliveryId } }
      : { status: 204, body: { message: parsed.ignored, deliveryId } };
  const result = pullRequestToJobs({
    pr: parsed.pr,
    deliveryId,
    environments: deps.environments,
    repo: deps.repo,
    previewForks: deps.previewForks ?? false,
    now: deps.now,
  });
  if ('ignored' in result) return { status: 204, body: { message: result.ignored, deliveryId } };
  await Promise.all(result.jobs.map((job) => deps.queue.send(job)));
  return {
    status: 202,
    body: {
      message: `queued ${result.jobs.length} preview job(s) for ${result.jobs.map((j) => j.env).join(', ')} at ${parsed.pr.headSha.slice(0, 7)}`,
      deliveryId,
      jobs: result.jobs,
    },
  };
}
