import { createHash } from 'node:crypto';
import type { Environment, Queue } from '../engine/index.ts';
import { isPullRequestEvent, pullRequestAnswer } from './handle-pull-request.ts';
import { type ParsePushResult, parseGithubPush, parseGitlabPush } from './push-event.ts';
import { pushToJobs } from './push-to-jobs.ts';
import { type VerifyResult, verifyGithubDelivery } from './verify-github-delivery.ts';
import { verifyGitlabToken } from './verify-gitlab-token.ts';
import {
  normalizeHeaders,
  rawBodyBytes,
  type WebhookRequest,
  type WebhookResponse,
} from './webhook-request.ts';

/** GitHub caps webhook payloads at 25 MB but push payloads list at most 20 commits; 5 MiB is ample. */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface HandleWebhookDeps {
  /** The shared webhook secret (GitHub HMAC key, or GitLab secret token). Called once per delivery. */
  secret: () => Promise<string>;
  environments: ReadonlyArray<Pick<Environment, 'name' | 'branch'>>;
  /** `owner/name` or a URL of the GitOps repository: pushes to other repositories are ignored. */
  repo?: string;
  queue: Queue;
  now: Date;
  /** Bodies larger than this get 413 before any work; DEFAULT_MAX_BODY_BYTES when absent. */
  maxBodyBytes?: number;
  /** Preview pull requests from forks (untrusted content); false unless told. */
  previewForks?: boolean;
}

type Provider = 'github' | 'gitlab';

/** GitHub's delivery GUID or GitLab's event UUID; a digest of the body when neither is sent. */
function deliveryIdOf(headers: Map<string, string>, provider: Provider, body: Buffer): string {
  const id =
    provider === 'github'
      ? headers.get('x-github-delivery')
      : (headers.get('x-gitlab-event-uuid') ??
        headers.get('x-gitlab-webhook-uuid') ??
        headers.get('idempotency-key'));
  if (id && /^[\w.-]{1,100}$/.test(id)) return id;
  return `sha256-${createHash('sha256').update(body).digest('hex').slice(0, 40)}`;
}

/** GitHub webhooks may be configured with `application/x-www-form-urlencoded`: the JSON is in `payload`. */
function jsonText(headers: Map<string, string>, body: Buffer): string {
  const type = headers.get('content-type') ?? '';
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return new URLSearchParams(body.toString('utf8')).get('payload') ?? '';
  }
  return body.toString('utf8');
}

/**
 * Answers one webhook delivery: size limit, signature on the raw body, then the event; a push to a
 * bound branch becomes one job per environment on the queue.
 */
export async function handleWebhook(
  request: WebhookRequest,
  deps: HandleWebhookDeps,
): Promise<WebhookResponse> {
  const headers = normalizeHeaders(request.headers);
  const body = rawBodyBytes(request);
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (body.byteLength > maxBodyBytes) {
    return {
      status: 413,
      body: { message: `body of ${body.byteLength} bytes exceeds the ${maxBodyBytes} byte limit` },
    };
  }

  const provider: Provider =
    headers.has('x-gitlab-token') || headers.has('x-gitlab-event') ? 'gitlab' : 'github';
  const secret = await deps.secret();
  const verified: VerifyResult =
    provider === 'github'
      ? await verifyGithubDelivery({
          rawBody: body,
          signature256: headers.get('x-hub-signature-256'),
          secret,
        })
      : verifyGitlabToken({ token: headers.get('x-gitlab-token'), secret });
  if (!verified.ok) return { status: 401, body: { message: verified.message } };

  const deliveryId = deliveryIdOf(headers, provider, body);
  const event = provider === 'github' ? headers.get('x-github-event') : headers.get('x-gitlab-event');
  if (!event) {
    const header = provider === 'github' ? 'X-GitHub-Event' : 'X-Gitlab-Event';
    return { status: 400, body: { message: `missing ${header} header`, deliveryId } };
  }
  if (provider === 'github' && event === 'ping')
    return { status: 200, body: { message: 'pong', deliveryId } };
  const isPush = provider === 'github' ? event === 'push' : event === 'Push Hook';
  const isPullRequest = isPullRequestEvent(provider, event);
  if (!isPush && !isPullRequest)
    return { status: 204, body: { message: `ignored ${event} event`, deliveryId } };

  let payload: unknown;
  try {
    payload = JSON.parse(jsonText(headers, body));
  } catch {
    return {
      status: 400,
      body: { message: 'body is not JSON: send the push payload as application/json', deliveryId },
    };
  }
  if (isPullRequest) return pullRequestAnswer({ provider, payload, deliveryId, deps });
  const parsed: ParsePushResult = provider === 'github' ? parseGithubPush(payload) : parseGitlabPush(payload);
  if (!parsed.ok) return { status: 400, body: { message: parsed.message, deliveryId } };

  const result = pushToJobs({
    push: parsed.push,
    deliveryId,
    environments: deps.environments,
    repo: deps.repo,
    now: deps.now,
  });
  if ('ignored' in result) return { status: 204, body: { message: result.ignored, deliveryId } };
  await Promise.all(result.jobs.map((job) => deps.queue.send(job)));
  const envs = result.jobs.map((j) => j.env).join(', ');
  const scope = parsed.push.allReason ? ` (all apps: ${parsed.push.allReason})` : '';
  return {
    status: 202,
    body: {
      message: `queued ${result.jobs.length} job(s) for ${envs}${scope}`,
      deliveryId,
      jobs: result.jobs,
    },
  };
}
