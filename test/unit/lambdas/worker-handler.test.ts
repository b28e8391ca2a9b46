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
/** SQS calls the handler makes itself (visibility resets), as { command, input }. */
const sqsCalls: Array<{ command: string; input: Record<string, unknown> }> = [];
const syncFailed = vi.fn<(f: Record<string, unknown>) => Promise<void>>();
const cleanup = vi.fn(async () => ({ cacheBytes: 1234 }));

vi.mock('../../../engine/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  runJob: (...args: Parameters<typeof runJob>) => runJob(...args),
}));
vi.mock('../../../lambdas/shared/sync-deps.ts', async () => {
  const { syncConfigFromEnv } = await import('../../../lambdas/shared/sync-config.ts');
  return {
    createSyncRuntime: () => ({
      config: syncConfigFromEnv(process.env),
      queue: { send: (...args: Parameters<typeof send>) => send(...args) },
      sqs: {
        send: async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
          sqsCalls.push({ command: cmd.constructor.name, input: cmd.input });
          return {};
        },
      },
      state: {},
      deps: async () => ({}),
      cleanup: () => cleanup(),
    }),
  };
});
vi.mock('../../../adapters/aws/sns-sync-notifier.ts', () => ({
  SnsSyncNotifier: class {
    syncFailed(f: Record<string, unknown>) {
      return syncFailed(f);
    }
  },
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
  vi.stubEnv('SYNCWAVE_ALARM_TOPIC_ARN', 'arn:aws:sns:us-east-1:123456789012:syncwave-alarms');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  ({ handler } = (await import('../../../lambdas/worker/handler.ts')) as unknown as { handler: Handler });
});

beforeEach(() => {
  runJob.mockReset();
  send.mockReset();
  send.mockResolvedValue();
  sqsCalls.length = 0;
  syncFailed.mockReset();
  syncFailed.mockResolvedValue();
  cleanup.mockClear();
});

/** The visibility each record was given, by receipt handle. */
const visibility = () =>
  Object.fromEntries(
    sqsCalls
      .filter((c) => c.command === 'ChangeMessageVisibilityBatchCommand')
      .flatMap((c) => c.input.Entries as Array<{ ReceiptHandle: string; VisibilityTimeout: number }>)
      .map((e) => [e.ReceiptHandle, e.VisibilityTimeout]),
  );

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

  it('returns a busy environment to the queue in 30 s, and its unstarted next record at once', async () => {
    runJob.mockResolvedValue(result({ outcome: 'busy', message: 'environment dev: another job holds it' }));
    const res = await handler(
      {
        Records: [
          record(JSON.stringify(job()), 'm1'),
          record(JSON.stringify(job({ id: 'delivery-2:dev' })), 'm2'),
        ],
      },
      context(300_000),
    );
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
    expect(send).not.toHaveBeenCalled();
    expect(runJob).toHaveBeenCalledTimes(1); // the second message of the same group was not started
    expect(visibility()).toEqual({ 'rh-m1': 30, 'rh-m2': 0 });
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

  it('gives back at once, visible again, every record it has no time to start', async () => {
    const res = await handler(
      {
        Records: [
          record(JSON.stringify(job()), 'm1'),
          record(JSON.stringify(job({ id: 'other:prod', env: 'prod' })), 'm2'),
        ],
      },
      context(31_000),
    );
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
    expect(runJob).not.toHaveBeenCalled();
    expect(visibility()).toEqual({ 'rh-m1': 0, 'rh-m2': 0 });
  });

  it('lets a job that started and threw wait out the visibility timeout (its retry backs off)', async () => {
    runJob.mockRejectedValue(new Error('DynamoDB unavailable'));
    const res = await handler({ Records: [record(JSON.stringify(job()), 'm1')] }, context(300_000));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(visibility()).toEqual({});
    expect(cleanup).toHaveBeenCalledTimes(1); // checkouts removed even so
  });

  it('removes the checkouts after every job', async () => {
    runJob.mockResolvedValue(result({}));
    await handler(
      {
        Records: [
          record(JSON.stringify(job()), 'm1'),
          record(JSON.stringify(job({ id: 'x:prod', env: 'prod' })), 'm2'),
        ],
      },
      context(300_000),
    );
    expect(cleanup).toHaveBeenCalledTimes(2);
  });

  it('notifies the alarm topic once per failed app, naming app, revision and reason', async () => {
    runJob.mockResolvedValue(
      result({
        outcome: 'failed',
        message: '1 of 2 apps failed',
        apps: [
          { app: 'backend', wave: 1, phase: 'Failed', message: 'Deployment/backend/api: image pull failed' },
          { app: 'frontend', wave: 2, phase: 'Succeeded', message: 'synced' },
        ] as JobResult['apps'],
      }),
    );
    await handler({ Records: [record(JSON.stringify(job()), 'm1')] }, context(300_000));
    expect(syncFailed).toHaveBeenCalledTimes(1);
    expect(syncFailed.mock.calls[0]![0]).toMatchObject({
      env: 'dev',
      app: 'backend',
      revision: 'a'.repeat(40),
      phase: 'Failed',
      reason: 'Deployment/backend/api: image pull failed',
      jobId: 'delivery-1:dev',
    });
  });

  it('notifies a failed job that synced no app (a render error), and not a successful one', async () => {
    runJob.mockResolvedValueOnce(result({ outcome: 'failed', message: 'syncwave.yaml: line 3: bad' }));
    runJob.mockResolvedValueOnce(result({}));
    await handler({ Records: [record(JSON.stringify(job()), 'm1')] }, context(300_000));
    await handler({ Records: [record(JSON.stringify(job({ id: 'd-2:dev' })), 'm2')] }, context(300_000));
    expect(syncFailed).toHaveBeenCalledTimes(1);
    expect(syncFailed.mock.calls[0]![0]).toMatchObject({ reason: 'syncwave.yaml: line 3: bad' });
  });
});
