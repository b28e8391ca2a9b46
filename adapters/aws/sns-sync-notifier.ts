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

export interface SnsSyncNotifierOptions {
  client: SNSClient;
  topicArn: string;
}

/** SNS subjects are ASCII without newlines, at most 100 characters. */
function subjectOf(f: SyncFailure): string {
  const text = `syncwave: ${f.env}/${f.app} sync ${f.phase.toLowerCase()} at ${f.revision.slice(0, 7)}`;
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

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
    const attr = (v: string) => ({ DataType: 'String', StringValue: v });
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
}
