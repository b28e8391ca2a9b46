/**
 * lambdas/webhook/handler.ts invoked with API Gateway HTTP API (v2) events, against moto's SQS and
 * Secrets Manager on loopback. Push payloads come from @octokit/webhooks-examples.
 */
import { createHmac } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulator, startAwsEmulator } from '../../harness/aws-emulator.ts';
import { ordinaryPush, pingPayload } from '../unit/ingest/github-push-examples.ts';

const SECRET = 'handler-test-secret';
let aws: AwsEmulator;
let sqs: SQSClient;
let queueUrl: string;
let handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
const saved = { ...process.env };

beforeAll(async () => {
  aws = await startAwsEmulator();
  sqs = new SQSClient(aws.clientConfig);
  queueUrl = (
    await sqs.send(new CreateQueueCommand({ QueueName: 'jobs.fifo', Attributes: { FifoQueue: 'true' } }))
  ).QueueUrl!;
  const secrets = new SecretsManagerClient(aws.clientConfig);
  const arn = (await secrets.send(new CreateSecretCommand({ Name: 'webhook', SecretString: SECRET }))).ARN!;
  secrets.destroy();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: aws.region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SYNCWAVE_ENVIRONMENTS: JSON.stringify([
      { name: 'dev', branch: 'develop', cluster: 'dev' },
      { name: 'prod', branch: 'master', cluster: 'prod' },
    ]),
    SYNCWAVE_QUEUE_URL: queueUrl,
    SYNCWAVE_WEBHOOK_SECRET_ID: arn,
    SYNCWAVE_REPO: 'Codertocat/Hello-World',
  });
  ({ handler } = await import('../../lambdas/webhook/handler.ts'));
}, 60_000);

afterAll(async () => {
  process.env = saved;
  sqs?.destroy();
  await aws?.stop();
});

function apiEvent(
  event: string,
  payload: unknown,
  opts: { base64?: boolean; secret?: string } = {},
): APIGatewayProxyEventV2 {
  const raw = JSON.stringify(payload);
  const sig = `sha256=${createHmac('sha256', opts.secret ?? SECRET)
    .update(raw)
    .digest('hex')}`;
  return {
    version: '2.0',
    routeKey: 'POST /webhook',
    rawPath: '/webhook',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/abc123',
      'x-github-event': event,
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-hub-signature-256': sig,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'api',
      http: {
        method: 'POST',
        path: '/webhook',
        protocol: 'HTTP/1.1',
        sourceIp: '140.82.115.1',
        userAgent: 'GitHub-Hookshot',
      },
      requestId: 'req-1',
      routeKey: 'POST /webhook',
      stage: '$default',
      time: '27/Nov/2026:10:00:00 +0000',
      timeEpoch: 1795773600000,
    },
    body: opts.base64 ? Buffer.from(raw).toString('base64') : raw,
    isBase64Encoded: opts.base64 ?? false,
  };
}

describe('webhook Lambda handler', () => {
  it('queues a signed push on the FIFO queue and answers 202', async () => {
    const res = await handler(apiEvent('push', ordinaryPush('master'), { base64: true }));
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body!)).toMatchObject({
      jobs: [{ id: '72d3162e-cc78-11e3-81ab-4c9367dc0958:prod' }],
    });
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageSystemAttributeNames: ['MessageGroupId'] }),
    );
    expect(got.Messages).toHaveLength(1);
    expect(got.Messages![0]!.Attributes?.MessageGroupId).toBe('prod');
    expect(JSON.parse(got.Messages![0]!.Body!)).toMatchObject({
      env: 'prod',
      repo: 'Codertocat/Hello-World',
      revision: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      changedPaths: ['README.md'],
      reason: 'push',
    });
  });

  it('answers ping 200, a bad signature 401, an unbound branch 204 with no body', async () => {
    expect((await handler(apiEvent('ping', pingPayload()))).statusCode).toBe(200);
    expect((await handler(apiEvent('push', ordinaryPush(), { secret: 'wrong' }))).statusCode).toBe(401);
    const ignored = await handler(apiEvent('push', ordinaryPush('feature')));
    expect(ignored).toMatchObject({ statusCode: 204, body: '' });
  });

  it('answers warm deliveries quickly', async () => {
    const started = performance.now();
    for (let i = 0; i < 10; i++) await handler(apiEvent('push', ordinaryPush('develop')));
    expect((performance.now() - started) / 10).toBeLessThan(1000);
  });
});
