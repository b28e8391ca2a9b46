import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

/** One failed app sync, as a person reading an email or a chat message needs it. */
export interface SyncFailure {
  env: string;
  app: string;
  revision: string;
  phase: 'Failed' | 'Error';
  reason: string;
  jobId: string;
  /** Where to look next, e.g. the Logs Insights query or `syncwave app get`. */
  hint?: string;
}

/** An app that has stayed OutOfSync or Degraded for the stack's `appStuckMinutes`. */
export interface AppStuck {
  env: string;
  app: string;
  status: 'OutOfSync' | 'Degraded';
  /** When the drift checker first saw it so (ISO time). */
  since: string;
  minutes: number;
}

export interface SnsSyncNotifierOptions {
  client: SNSClient;
  topicArn: string;
}

/** SNS subjects are ASCII without newlines, at most 100 characters. */
function subject(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

function subjectOf(f: SyncFailure): string {
  return subject(`syncwave: ${f.env}/${f.app} sync ${f.phase.toLowerCase()} at ${f.revision.slice(0, 7)}`);
}

const attr = (v: string) => ({ DataType: 'String', StringValue: v });

/**
 * A message per failed sync on the stack's alarm topic: subject and body name the app, revision
 * and reason (readable in an email); message attributes carry the same fields for filter policies
 * and chat integrations.
 */
export class SnsSyncNotifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(options: SnsSyncNotifierOptions) {
    this.#client = options.client;
    this.#topicArn = options.topicArn;
  }

  async syncFailed(f: SyncFailure): Promise<void> {
    const body = [
      `The sync of app ${f.app} in environment ${f.env} ended ${f.phase}.`,
      '',
      `revision: ${f.revision}`,
      `reason:   ${f.reason}`,
      `job:      ${f.jobId}`,
      ...(f.hint ? ['', f.hint] : []),
    ].join('\n');
    await this.#client.send(
      new PublishCommand({
        TopicArn: this.#topicArn,
        Subject: subjectOf(f),
        Message: body,
        MessageAttributes: {
          event: attr('sync-failed'),
          env: attr(f.env),
          app: attr(f.app),
          revision: attr(f.revision),
          phase: attr(f.phase),
        },
      }),
    );
  }

  /** One message when an app has stayed OutOfSync or Degraded too long (the drift checker sends it once per spell). */
  async appStuck(n: AppStuck): Promise<void> {
    const body = [
      `App ${n.app} in environment ${n.env} has been ${n.status} for ${n.minutes} minutes (since ${n.since}).`,
      '',
      n.status === 'OutOfSync'
        ? 'Its live state differs from Git and automated syncs have not fixed it: a failing sync, paused automation (rollback) or a change syncwave may not apply.'
        : 'Its objects report unhealthy (pods not ready, a rollout stuck).',
      `Look: syncwave app get ${n.app} --env ${n.env} --aws`,
    ].join('\n');
    await this.#client.send(
      new PublishCommand({
        TopicArn: this.#topicArn,
        Subject: subject(`syncwave: ${n.env}/${n.app} ${n.status} for ${n.minutes} minutes`),
        Message: body,
        MessageAttributes: {
          event: attr('app-stuck'),
          env: attr(n.env),
          app: attr(n.app),
          status: attr(n.status),
        },
      }),
    );
  }
}
