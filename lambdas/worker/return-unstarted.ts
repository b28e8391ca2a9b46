import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

export interface ReturnUnstartedOptions {
  sqs: SQSClient;
  queueUrl: string;
  records: SQSRecord[];
  /** Message ids the batch response reports as failed. */
  failures: string[];
  /** Seconds until a failed record is visible again; undefined: leave it to the visibility timeout. */
  delaySecondsOf(messageId: string): number | undefined;
  log(message: string, fields: Record<string, unknown>): void;
}

/**
 * Sets the visibility of failed records that should come back soon (ChangeMessageVisibility): a
 * record that never started, or whose environment was busy, would otherwise wait out the queue's
 * visibility timeout (six times the worker's timeout) and count a receive towards the dead-letter
 * queue for nothing. A job that started and failed keeps the timeout (its retry backs off).
 */
export async function returnUnstarted(opts: ReturnUnstartedOptions): Promise<void> {
  const byId = new Map(opts.records.map((r) => [r.messageId, r]));
  const entries = opts.failures.flatMap((id, i) => {
    const delay = opts.delaySecondsOf(id);
    const record = byId.get(id);
    return delay === undefined || !record
      ? []
      : [{ Id: `r${i}`, ReceiptHandle: record.receiptHandle, VisibilityTimeout: delay }];
  });
  for (let i = 0; i < entries.length; i += 10) {
    const chunk = entries.slice(i, i + 10);
    try {
      const res = await opts.sqs.send(
        new ChangeMessageVisibilityBatchCommand({ QueueUrl: opts.queueUrl, Entries: chunk }),
      );
      for (const f of res.Failed ?? []) {
        opts.log('visibility not reset; the record returns after the visibility timeout', {
          entry: f.Id,
          code: f.Code,
          detail: f.Message,
        });
      }
    } catch (err) {
      // The batch response still reports the records; they return after the visibility timeout.
      opts.log('visibility not reset; the records return after the visibility timeout', {
        count: chunk.length,
        error: (err as Error).message,
      });
    }
  }
}
