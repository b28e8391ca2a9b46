/** SqsQueue and Secrets against moto's server on loopback (real HTTP, real SDK clients). */
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsJsonClient, AwsJsonError } from '../../adapters/aws/aws-json-client.ts';
import { decodeJobMessage } from '../../adapters/aws/job-message.ts';
import { Secrets } from '../../adapters/aws/secrets.ts';
import { deduplicationId, SqsQueue } from '../../adapters/aws/sqs-queue.ts';
import type { Job } from '../../engine/ports.ts';
import { type AwsEmulator, startAwsEmulator } from '../../harness/aws-emulator.ts';

let aws: AwsEmulator;
let sqs: SQSClient;
let secretsClient: SecretsManagerClient;
/** syncwave's own SDK-free clients, as the webhook Lambda uses them. */
let sqsJson: AwsJsonClient;
let secretsJson: AwsJsonClient;

beforeAll(async () => {
  aws = await startAwsEmulator();
  sqs = new SQSClient(aws.clientConfig);
  secretsClient = new SecretsManagerClient(aws.clientConfig);
  const { region, endpoint, credentials } = aws.clientConfig;
  sqsJson = new AwsJsonClient({ service: 'sqs', region, endpoint, credentials });
  secretsJson = new AwsJsonClient({ service: 'secretsmanager', region, endpoint, credentials });
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  secretsClient?.destroy();
  await aws?.stop();
});

async function fifoQueue(name: string): Promise<string> {
  const res = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: { FifoQueue: 'true', VisibilityTimeout: '30' },
    }),
  );
  return res.QueueUrl!;
}

const job = (id: string, env: string, revision: string): Job => ({
  id,
  repo: 'acme/gitops',
  env,
  revision,
  changedPaths: ['apps/frontend/values.yaml'],
  reason: 'push',
  enqueuedAt: '2026-11-27T10:00:00.000Z',
});

/** Receives until the queue is empty, deleting each message (as a worker would). */
async function drain(queueUrl: string): Promise<Array<{ job: Job; group?: string }>> {
  const out: Array<{ job: Job; group?: string }> = [];
  for (let empty = 0; empty < 2; ) {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    const msgs = res.Messages ?? [];
    if (msgs.length === 0) empty++;
    for (const m of msgs) {
      const decoded = decodeJobMessage(m.Body!);
      if (!decoded.ok) throw new Error(decoded.message);
      out.push({ job: decoded.job, group: m.Attributes?.MessageGroupId });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
  return out;
}

describe('SqsQueue', () => {
  it('keeps the order of jobs per environment, grouped by environment', async () => {
    const queueUrl = await fifoQueue('order');
    const queue = new SqsQueue({ client: sqsJson, queueUrl });
    for (const [i, env] of ['dev', 'prod', 'dev', 'dev', 'prod'].entries()) {
      await queue.send(job(`d-${i}:${env}`, env, `rev-${i}`));
    }
    const got = await drain(queueUrl);
    expect(got.filter((g) => g.job.env === 'dev').map((g) => g.job.revision)).toEqual([
      'rev-0',
      'rev-2',
      'rev-3',
    ]);
    expect(got.filter((g) => g.job.env === 'prod').map((g) => g.job.revision)).toEqual(['rev-1', 'rev-4']);
    expect(got.every((g) => g.group === g.job.env)).toBe(true);
  });

  it('drops the same job id sent twice (a redelivered webhook)', async () => {
    const queueUrl = await fifoQueue('dedup');
    const queue = new SqsQueue({ client: sqsJson, queueUrl });
    await queue.send(job('delivery-1:dev', 'dev', 'abc'));
    await queue.send(job('delivery-1:dev', 'dev', 'abc'));
    await queue.send(job('delivery-2:dev', 'dev', 'def'));
    expect((await drain(queueUrl)).map((g) => g.job.id)).toEqual(['delivery-1:dev', 'delivery-2:dev']);
  });

  it('round-trips the job exactly, and hashes ids SQS would refuse', async () => {
    const queueUrl = await fifoQueue('roundtrip');
    const long = job(`${'x'.repeat(140)}:dev`, 'dev', 'abc');
    await new SqsQueue({ client: sqsJson, queueUrl }).send(long);
    expect((await drain(queueUrl)).map((g) => g.job)).toEqual([long]);
    expect(deduplicationId(long.id)).toMatch(/^[0-9a-f]{64}$/);
    expect(deduplicationId('d-1:dev')).toBe('d-1:dev');
  });

  it('reports an AWS error by its type', async () => {
    const queue = new SqsQueue({ client: sqsJson, queueUrl: `${aws.endpoint}/123456789012/missing.fifo` });
    const err = await queue.send(job('d:dev', 'dev', 'abc')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsJsonError);
    expect((err as AwsJsonError).name).toMatch(/QueueDoesNotExist|NonExistentQueue/);
  });

  it('refuses a standard (non-FIFO) queue URL', () => {
    expect(() => new SqsQueue({ client: sqsJson, queueUrl: 'http://x/123/jobs' })).toThrow(
      /not a FIFO queue/,
    );
  });
});

describe('Secrets', () => {
  it('reads a secret once per TTL and sees a rotated value after it', async () => {
    await secretsClient.send(new CreateSecretCommand({ Name: 'webhook', SecretString: 'one' }));
    let now = 0;
    const secrets = new Secrets({ client: secretsJson, ttlMs: 1000, now: () => now });
    expect(await secrets.get('webhook')).toBe('one');
    await secretsClient.send(new PutSecretValueCommand({ SecretId: 'webhook', SecretString: 'two' }));
    expect(await secrets.get('webhook')).toBe('one');
    now = 1500;
    expect(await secrets.get('webhook')).toBe('two');
  });

  it('says how to fix a missing secret, and does not cache the failure', async () => {
    const secrets = new Secrets({ client: secretsJson });
    await expect(secrets.get('missing')).rejects.toThrow(/ResourceNotFoundException/);
    await secretsClient.send(new CreateSecretCommand({ Name: 'missing', SecretString: 'now-set' }));
    expect(await secrets.get('missing')).toBe('now-set');
  });
});
