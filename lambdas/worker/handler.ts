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
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { decodeJobMessage } from '../../adapters/aws/job-message.ts';
import { METRIC, METRICS_NAMESPACE, SERVICE } from '../../adapters/aws/metric-names.ts';
import { runJob } from '../../engine/index.ts';
import { syncConfigFromEnv } from '../shared/sync-config.ts';
import { createSyncRuntime } from '../shared/sync-deps.ts';

/** A job stops this long before the function's timeout, to save its state and queue its follow-up. */
export const SAFETY_MARGIN_MS = 30_000;

const logger = new Logger({ serviceName: 'syncwave-worker' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE.worker });
const runtime = createSyncRuntime(syncConfigFromEnv(process.env), { logger, service: 'worker' });
const processor = new SqsFifoPartialProcessorAsync();

/** Thrown for a message that must come back later (SQS redelivers it after the visibility timeout). */
class RetryLater extends Error {
  override name = 'RetryLater';
}

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
  const started = Date.now();
  const deadline = new Date(started + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS);
  if (deadline.getTime() - started < 5_000) {
    throw new RetryLater(`too little time left in this invocation for job ${job.id}`);
  }
  logger.info('job started', fields);
  const deps = await runtime.deps();
  const result = await runJob(job, deps, { deadline });
  const durationMs = Date.now() - started;
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
    logger.warn('environment busy; the message comes back after the visibility timeout', {
      ...fields,
      outcome: result.outcome,
      detail: result.message,
    });
    throw new RetryLater(result.message);
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

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  try {
    return await processPartialResponse(event, processRecord, processor, {
      context,
      // A failed job fails the later messages of its environment only: others go on.
      skipGroupOnError: true,
    });
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
