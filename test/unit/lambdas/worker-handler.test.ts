/**
 * lambdas/worker/handler.ts without AWS or a cluster: the engine's runJob and the runtime's queue
 * are replaced, to check what the handler does with each outcome (the end-to-end path is in
 * test/integration/aws-e2e.test.ts).
 */
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job, JobResult } from '../../../engine/index.ts';

const runJob = vi.fn<(job: Job, deps: unknown, opts: { deadline?: Date }) => Promise<JobResult>>();
const send = vi.fn<(job: Job, opts?: { attempt?: number }) => Promise<void>>();

vi.mock('../../../engine/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  runJob: (...args: Parameters<typeof runJob>) => runJob(...args),
}));
vi.mock('../../../lambdas/shared/sync-deps.ts', () => ({
  createSyncRuntime: () => ({
    config: {},
    queue: { send: (...args: Parameters<typeof send>) => send(...args) },
    state: {},
    deps: async () => ({}),
  }),
}));

type Handler = (
  event: SQSEvent,
  context: Context,
) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;
let handler: Handler;

beforeAll(async () => {
  vi.stubEnv('SYNCWAVE_ENVIRONMENTS', JSON.stringify([{ name: 'dev', branch: 'develop', cluster: 'dev' }]));
  vi.stubEnv('SYNCWAVE_QUEUE_URL', 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo');
  vi.stubEnv('SYNCWAVE_TABLE_NAME', 'state');
  vi.stubEnv('SYNCWAVE_BUCKET_NAME', 'desired');
  vi.stubEnv('SYNCWAVE_REPO', 'acme/gitops');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  ({ handler } = (await import('../../../lambdas/worker/handler.ts')) as unknown as { handler: Handler });
});

beforeEach(() => {
  runJob.mockReset();
  send.mockReset();
  send.mockResolvedValue();
});

const job = (over: Partial<Job> = {}): Job => ({
  id: 'delivery-1:dev',
  repo: 'acme/gitops',
  env: 'dev',
  revision: 'a'.repeat(40),
  changedPaths: 'all',
  reason: 'push',
  enqueuedAt: '2026-11-27T10:00:00.000Z',
  ...over,
});

function record(body: string, id: string, attempt?: number): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795773600000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1795773600000',
      MessageGroupId: 'dev',
      MessageDeduplicationId: id,
    },
    messageAttributes: attempt
      ? {
          attempt: {
            stringValue: String(attempt),
            dataType: 'Number',
            stringListValues: [],
            binaryListValues: [],
          },
        }
      : {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:jobs.fifo',
    awsRegion: 'us-east-1',
  };
}

function context(remainingMs: number): Context {
  const end = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'worker',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:worker',
    memoryLimitInMB: '1769',
    awsRequestId: 'req',
    logGroupName: '/aws/lambda/worker',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => end - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

const result = (over: Partial<JobResult>): JobResult => ({
  jobId: 'delivery-1:dev',
  env: 'dev',
  revision: 'a'.repeat(40),
  outcome: 'succeeded',
  message: '',
  apps: [],
  ...over,
});

describe('worker handler', () => {
  it('runs the job with a deadline 30 s before the function times out', async () => {
    runJob.mockResolvedValue(result({}));
    const before = Date.now();
    const res = await handler({ Records: [record(JSON.stringify(job()), 'm1')] }, context(300_000));
    expect(res.batchItemFailures).toEqual([]);
    const deadline = runJob.mock.calls[0]![2].deadline!.getTime();
    expect(deadline - before).toBeGreaterThan(265_000);
    expect(deadline - before).toBeLessThanOrEqual(270_000 + 1_000);
    expect(send).not.toHaveBeenCalled();
  });

  it("queues a follow-up for 'continue': same job id, next attempt (a new deduplication id)", async () => {
    runJob.mockResolvedValue(
      result({ outcome: 'continue', message: 'app wave 0: still waiting for health', apps: [] }),
    );
    const res = await handler({ Records: [record(JSON.stringify(job()), 'm1', 2)] }, context(300_000));
    expect(res.batchItemFailures).toEqual([]);
    expect(send).toHaveBeenCalledWith(job(), { attempt: 3 });
  });

  it('returns a busy environment to the queue instead of spinning on follow-ups', async () => {
    runJob.mockResolvedValue(result({ outcome: 'busy', message: 'environment dev: another job holds it' }));
    const res = await handler(
      {
        Records: [
          record(JSON.stringify(job()), 'm1'),
          record(JSON.stringify(job({ id: 'delivery-2:dev' })), 'm2'),
        ],
      },
      context(300_000),
    ).catch((e: Error) => e);
    // Every record of the batch failed: Powertools throws so that Lambda retries the whole batch.
    expect(res).toBeInstanceOf(Error);
    expect(send).not.toHaveBeenCalled();
    expect(runJob).toHaveBeenCalledTimes(1); // the second message of the same group was not started
  });

  it('drops a message that is not a job, and goes on with the next', async () => {
    runJob.mockResolvedValue(result({}));
    const res = await handler(
      { Records: [record('not json', 'bad'), record(JSON.stringify(job()), 'm2')] },
      context(300_000),
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(runJob).toHaveBeenCalledTimes(1);
  });

  it('leaves a job for the next invocation when too little time is left', async () => {
    const res = await handler(
      {
        Records: [
          record(JSON.stringify(job()), 'm1'),
          record(JSON.stringify(job({ id: 'other:prod', env: 'prod' })), 'm2'),
        ],
      },
      context(31_000),
    ).catch((e: Error) => e);
    expect(res).toBeInstanceOf(Error);
    expect(runJob).not.toHaveBeenCalled();
  });
});
