import { createHash } from 'node:crypto';
import type { Job, Queue } from '../../engine/index.ts';
import { queueGroupOf } from '../../engine/index.ts';

/**
 * What SqsQueue needs from a client: one SQS JSON-protocol action. AwsJsonClient is one (no SDK:
 * the webhook bundle stays small); sdkSqsCaller (adapters/aws/sdk-sqs-caller.ts) wraps the SDK's
 * SQSClient, with its retries, for the worker and drift functions, which bundle the SDK anyway.
 */
export interface SqsCaller {
  call(action: 'SendMessage', input: Record<string, unknown>): Promise<unknown>;
}

export interface SqsQueueOptions {
  client: SqsCaller;
  /** URL of a FIFO queue (name ends in `.fifo`). */
  queueUrl: string;
}

/** SQS allows 128 characters of alphanumerics and punctuation in a deduplication id. */
const DEDUP_ID = /^[\x21-\x7e]{1,128}$/;

/** The job id when SQS accepts it as a deduplication id, else its SHA-256 (64 hex characters). */
export function deduplicationId(jobId: string): string {
  return DEDUP_ID.test(jobId) ? jobId : createHash('sha256').update(jobId).digest('hex');
}

/**
 * Jobs on an SQS FIFO queue: one message group per environment (jobs of an environment run one at a
 * time, in order), deduplicated by job id for SQS's five-minute window. A follow-up message for the
 * same job needs a new id (e.g. `<id>#2`), or SQS drops it as a duplicate.
 */
export class SqsQueue implements Queue {
  readonly #client: SqsCaller;
  readonly #queueUrl: string;

  constructor(options: SqsQueueOptions) {
    if (!options.queueUrl.endsWith('.fifo')) {
      throw new Error(
        `SqsQueue: ${options.queueUrl} is not a FIFO queue: jobs of an environment must stay in order.`,
      );
    }
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
  }

  /**
   * Queues a job. `attempt` (1, 2, ...) marks a follow-up message of a job that stopped before its
   * end: the job keeps its id (the engine resumes by it) and the message gets the deduplication id
   * `<id>#<attempt>` and an `attempt` attribute.
   */
  async send(job: Job, opts: { attempt?: number } = {}): Promise<void> {
    const attempt = opts.attempt ?? 0;
    await this.#client.call('SendMessage', {
      QueueUrl: this.#queueUrl,
      MessageBody: JSON.stringify(job),
      MessageGroupId: queueGroupOf(job),
      MessageDeduplicationId: deduplicationId(attempt > 0 ? `${job.id}#${attempt}` : job.id),
      MessageAttributes: {
        env: { DataType: 'String', StringValue: job.env },
        reason: { DataType: 'String', StringValue: job.reason },
        ...(attempt > 0 ? { attempt: { DataType: 'Number', StringValue: String(attempt) } } : {}),
      },
    });
  }
}
