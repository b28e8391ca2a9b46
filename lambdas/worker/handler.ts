/**
 * The worker Lambda (SQS FIFO event source, partial batch responses): runs each job with the
 * engine (engine/job/run-job.ts). A job that must stop before the function's timeout (a long
 * rollout) saves its progress and is continued by a follow-up message for the same job.
 *
 * Environment: see lambdas/shared/sync-config.ts (the CDK stack sets it).
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { decodeJobMessage } from '../../adapters/aws/job-message.ts';
import { METRIC, METRICS_NAMESPACE, SERVICE } from '../../adapters/aws/metric-names.ts';
import { SnsSyncNotifier } from '../../adapters/aws/sns-sync-notifier.ts';
import { type JobResult, runJob } from '../../engine/index.ts';
import { syncConfigFromEnv } from '../shared/sync-config.ts';
import { createSyncRuntime } from '../shared/sync-deps.ts';
import { returnUnstarted } from './return-unstarted.ts';

/** A job stops this long before the function's timeout, to save its state and queue its follow-up. */
export const SAFETY_MARGIN_MS = 30_000;

const logger = new Logger({ serviceName: 'syncwave-worker' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE.worker });
const runtime = createSyncRuntime(syncConfigFromEnv(process.env), { logger, service: 'worker' });
const processor = new SqsFifoPartialProcessorAsync();
const notifier = runtime.config.alarmTopicArn
  ? new SnsSyncNotifier({ client: new SNSClient({}), topicArn: runtime.config.alarmTopicArn })
  : undefined;
/** A job of a busy environment comes back after this long (not after the 30-minute visibility timeout). */
export const BUSY_RETRY_SECONDS = 30;
/** Per invocation: records whose job started (the rest go back to the queue at once). */
const started = new Set<string>();

/** Thrown for a message that must come back later: after `delaySeconds` (0: at once). */
class RetryLater extends Error {
  override name = 'RetryLater';
  constructor(
    message: string,
    readonly delaySeconds: number,
  ) {
    super(message);
  }
}
const retryDelays = new Map<string, number>();

const attemptOf = (record: SQSRecord): number => {
  const n = Number(record.messageAttributes?.attempt?.stringValue ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
};

async function processRecord(record: SQSRecord, context: Context): Promise<void> {
  const decoded = decodeJobMessage(record.body);
  if (!decoded.ok) {
    // A message that can never be a job: drop it (retrying cannot help), loudly.
    logger.error('message is not a job; dropped', { messageId: record.messageId, detail: decoded.message });
    return;
  }
  const job = decoded.job;
  const attempt = attemptOf(record);
  const fields = {
    deliveryId: job.id,
    env: job.env,
    revision: job.revision,
    reason: job.reason,
    ...(attempt ? { attempt } : {}),
  };
  const startedAt = Date.now();
  const deadline = new Date(startedAt + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS);
  if (deadline.getTime() - startedAt < 5_000) {
    throw new RetryLater(`too little time left in this invocation for job ${job.id}`, 0);
  }
  started.add(record.messageId);
  logger.info('job started', fields);
  // A preview reaches the cluster as the previewer (read + dry run), never as the deployer.
  const deps = await runtime.deps({ preview: job.reason === 'preview' });
  let result: JobResult;
  try {
    result = await runJob(job, deps, { deadline });
  } finally {
    const { cacheBytes } = await runtime.cleanup();
    logger.info('checkouts removed', { ...fields, cacheBytes });
  }
  const durationMs = Date.now() - startedAt;
  if (job.reason !== 'preview') await notifyFailures(job.id, result);
  for (const app of result.apps) {
    logger.info('app synced', {
      ...fields,
      revision: result.revision,
      app: app.app,
      wave: app.wave,
      phase: app.phase,
      outcome: app.phase,
      detail: app.message,
    });
  }
  // A failed preview is a pull request's problem, reported on its check run: not a sync failure.
  const preview = job.reason === 'preview';
  const failures = result.apps.filter((a) => a.phase === 'Failed' || a.phase === 'Error').length;
  if (failures > 0) metrics.addMetric(METRIC.syncFailures, MetricUnit.Count, failures);
  else if (result.outcome === 'failed' && !preview)
    metrics.addMetric(METRIC.syncFailures, MetricUnit.Count, 1);

  if (result.outcome === 'busy') {
    logger.warn(`environment busy; the message comes back in ${BUSY_RETRY_SECONDS} s`, {
      ...fields,
      outcome: result.outcome,
      detail: result.message,
    });
    throw new RetryLater(result.message, BUSY_RETRY_SECONDS);
  }
  if (result.outcome === 'continue') {
    await runtime.queue.send(job, { attempt: attempt + 1 });
    logger.info('job continues in a follow-up message', {
      ...fields,
      revision: result.revision,
      outcome: result.outcome,
      detail: result.message,
      durationMs,
      next: attempt + 1,
    });
    return;
  }
  if (result.outcome !== 'skipped' && result.outcome !== 'superseded' && !preview)
    metrics.addMetric(METRIC.syncDuration, MetricUnit.Milliseconds, durationMs);
  // The engine logged the job's end; this line adds what only the handler knows (time, message).
  logger[result.outcome === 'failed' ? 'error' : 'info']('job result', {
    ...fields,
    revision: result.revision,
    outcome: result.outcome,
    detail: result.message,
    durationMs,
  });
}

/** A message per failed app sync (or per failed job when no app got as far) on the alarm topic. */
async function notifyFailures(jobId: string, result: JobResult): Promise<void> {
  if (!notifier) return;
  const failed = result.apps.filter((a) => a.phase === 'Failed' || a.phase === 'Error');
  const items = failed.length
    ? failed.map((a) => ({ app: a.app, phase: a.phase as 'Failed' | 'Error', reason: a.message }))
    : result.outcome === 'failed'
      ? [{ app: '(all apps of the job)', phase: 'Failed' as const, reason: result.message }]
      : [];
  for (const item of items) {
    try {
      await notifier.syncFailed({
        ...item,
        env: result.env,
        revision: result.revision,
        jobId,
        hint: `See: syncwave app get ${item.app} --env ${result.env} --aws, or the "syncwave/Failed syncs" Logs Insights query.`,
      });
    } catch (err) {
      // The sync's result is recorded either way; a lost notification must not redo the job.
      logger.error('failed-sync notification not sent', {
        env: result.env,
        app: item.app,
        error: err as Error,
      });
    }
  }
}

function processRecordTracked(record: SQSRecord, context: Context): Promise<void> {
  return processRecord(record, context).catch((err: unknown) => {
    if (err instanceof RetryLater) retryDelays.set(record.messageId, err.delaySeconds);
    throw err;
  });
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  started.clear();
  retryDelays.clear();
  try {
    const response = await processPartialResponse(event, processRecordTracked, processor, {
      context,
      // A failed job fails the later messages of its environment only: others go on.
      skipGroupOnError: true,
      // Failures are reported (and their visibility set below), not thrown, even when all failed.
      throwOnFullBatchFailure: false,
    });
    // Records that never started (no time left, a busy environment, skipped behind a failure in
    // their group) go back now, not after the 30-minute visibility timeout.
    await returnUnstarted({
      sqs: runtime.sqs,
      queueUrl: runtime.config.queueUrl,
      records: event.Records,
      failures: response.batchItemFailures.map((f) => f.itemIdentifier),
      delaySecondsOf: (id) => retryDelays.get(id) ?? (started.has(id) ? undefined : 0),
      log: (message, fields) => logger.warn(message, fields),
    });
    return response;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
