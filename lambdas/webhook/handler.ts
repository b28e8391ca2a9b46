/**
 * The webhook Lambda (API Gateway HTTP API, payload v2): verify, map the push to jobs, queue them.
 * All the logic is in ingest/handleWebhook, shared with `syncwave serve`.
 *
 * Environment: SYNCWAVE_ENVIRONMENTS (JSON [{ name, branch }]), SYNCWAVE_QUEUE_URL,
 * SYNCWAVE_WEBHOOK_SECRET_ID (Secrets Manager name or ARN), SYNCWAVE_REPO (owner/name or URL),
 * SYNCWAVE_MAX_BODY_BYTES (optional), SYNCWAVE_PREVIEW_FORKS (`true` previews pull requests from
 * forks; anything else: they are answered 204, not previewed).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AwsJsonClient } from '../../adapters/aws/aws-json-client.ts';
import { Secrets } from '../../adapters/aws/secrets.ts';
import { SqsQueue } from '../../adapters/aws/sqs-queue.ts';
import { handleWebhook } from '../../ingest/handle-webhook.ts';
import { webhookConfigFromEnv } from './webhook-config.ts';

const logger = new Logger({ serviceName: 'syncwave-webhook' });
const metrics = new Metrics({ namespace: 'syncwave', serviceName: 'webhook' });
const config = webhookConfigFromEnv(process.env);
// No AWS SDK here: two signed JSON calls keep the bundle and the cold start small.
const secrets = new Secrets({ client: AwsJsonClient.fromEnv('secretsmanager', process.env) });
// A missing or empty secret stops the cold start (Secrets.get names the secret, never its value),
// rather than answering every delivery with 500.
await secrets.get(config.secretId);
const queue = new SqsQueue({ client: AwsJsonClient.fromEnv('sqs', process.env), queueUrl: config.queueUrl });

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const started = Date.now();
  try {
    const res = await handleWebhook(
      { headers: event.headers ?? {}, body: event.body, isBase64Encoded: event.isBase64Encoded },
      {
        secret: () => secrets.get(config.secretId),
        environments: config.environments,
        repo: config.repo,
        queue,
        now: new Date(),
        maxBodyBytes: config.maxBodyBytes,
        previewForks: config.previewForks,
      },
    );
    const jobs = res.status === 202 ? res.body.jobs : [];
    metrics.addMetric(`Webhook${res.status}`, MetricUnit.Count, 1);
    if (jobs.length > 0) metrics.addMetric('JobsQueued', MetricUnit.Count, jobs.length);
    logger.info(res.body.message, {
      status: res.status,
      deliveryId: res.body.deliveryId,
      env: jobs.map((j) => j.env),
      revision: jobs[0]?.revision,
      changedPaths: jobs[0]?.changedPaths === 'all' ? 'all' : jobs[0]?.changedPaths.length,
      durationMs: Date.now() - started,
    });
    return {
      statusCode: res.status,
      headers: res.status === 204 ? {} : { 'content-type': 'application/json' },
      body: res.status === 204 ? '' : JSON.stringify(res.body),
    };
  } catch (err) {
    metrics.addMetric('WebhookErrors', MetricUnit.Count, 1);
    logger.error('webhook failed', { error: err as Error, durationMs: Date.now() - started });
    return {
      statusCode: 500,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'internal error: see the syncwave-webhook logs' }),
    };
  } finally {
    metrics.publishStoredMetrics();
  }
}
