import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface JobQueueProps {
  /** The consumer's timeout: the visibility timeout is six times it (AWS's advice for Lambda event sources). */
  readonly consumerTimeout: Duration;
  /** Deliveries before a job goes to the dead-letter queue. */
  readonly maxReceiveCount?: number;
}

/**
 * The job queue: SQS FIFO (one message group per environment, deduplication by job id, no
 * content-based deduplication) with a FIFO dead-letter queue. Encrypted with SQS-managed keys.
 */
export class JobQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: JobQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Jobs', {
      fifo: true,
      contentBasedDeduplication: false,
      deduplicationScope: sqs.DeduplicationScope.QUEUE,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_QUEUE,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
  }
}
