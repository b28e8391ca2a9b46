/**
 * SnsSyncNotifier against moto's SNS on loopback: the topic delivers to an SQS queue subscribed
 * to it (raw delivery off, as an email or chat integration receives the SNS envelope).
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SnsSyncNotifier } from '../../adapters/aws/sns-sync-notifier.ts';
import { StuckAppsStore } from '../../adapters/aws/stuck-apps-store.ts';
import { PARTITION_KEY, SORT_KEY } from '../../adapters/aws/table-schema.ts';
import { type AwsEmulator, startAwsEmulator } from '../../harness/aws-emulator.ts';
import { updateStuckApps } from '../../lambdas/drift/stuck-apps.ts';

let aws: AwsEmulator;
let sns: SNSClient;
let sqs: SQSClient;
let topicArn: string;
let queueUrl: string;

beforeAll(async () => {
  aws = await startAwsEmulator();
  sns = new SNSClient(aws.clientConfig);
  sqs = new SQSClient(aws.clientConfig);
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'syncwave-alarms' }))).TopicArn!;
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'inbox' }))).QueueUrl!;
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes!.QueueArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
}, 60_000);

afterAll(async () => {
  sns?.destroy();
  sqs?.destroy();
  await aws?.stop();
});

async function receiveOne(): Promise<{
  Subject: string;
  Message: string;
  MessageAttributes: Record<string, unknown>;
}> {
  let messages: Array<{ Body?: string; ReceiptHandle?: string }> = [];
  for (let i = 0; i < 50 && messages.length === 0; i++) {
    messages =
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }))).Messages ?? [];
  }
  expect(messages).toHaveLength(1);
  await sqs.send(
    new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: messages[0]!.ReceiptHandle! }),
  );
  return JSON.parse(messages[0]!.Body!);
}

it('publishes one readable message per failed sync, naming app, revision and reason', async () => {
  const notifier = new SnsSyncNotifier({ client: sns, topicArn });
  await notifier.syncFailed({
    env: 'prod',
    app: 'backend',
    revision: '0123456789abcdef0123456789abcdef01234567',
    phase: 'Failed',
    reason: 'Deployment/backend/api: wave 1 not healthy: ImagePullBackOff',
    jobId: 'delivery-7:prod',
  });
  const envelope = await receiveOne();
  expect(envelope.Subject).toBe('syncwave: prod/backend sync failed at 0123456');
  expect(envelope.Message).toContain('app backend in environment prod ended Failed');
  expect(envelope.Message).toContain('revision: 0123456789abcdef0123456789abcdef01234567');
  expect(envelope.Message).toContain(
    'reason:   Deployment/backend/api: wave 1 not healthy: ImagePullBackOff',
  );
  expect(envelope.MessageAttributes.app).toEqual({ Type: 'String', Value: 'backend' });
  expect(envelope.MessageAttributes.event).toEqual({ Type: 'String', Value: 'sync-failed' });
});

it('keeps the subject within what SNS accepts', async () => {
  const notifier = new SnsSyncNotifier({ client: sns, topicArn });
  await expect(
    notifier.syncFailed({
      env: 'e'.repeat(40),
      app: `ä${'a'.repeat(120)}`,
      revision: 'f'.repeat(40),
      phase: 'Error',
      reason: 'x',
      jobId: 'j',
    }),
  ).resolves.toBeUndefined();
  expect((await receiveOne()).Subject).toHaveLength(100);
});

it('tells once per app stuck OutOfSync, remembering drift passes in the state table', async () => {
  const dynamo = new DynamoDBClient(aws.clientConfig);
  await dynamo.send(
    new CreateTableCommand({
      TableName: 'state',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: PARTITION_KEY, AttributeType: 'S' },
        { AttributeName: SORT_KEY, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
        { AttributeName: SORT_KEY, KeyType: 'RANGE' },
      ],
    }),
  );
  const store = new StuckAppsStore({ client: dynamo, tableName: 'state' });
  const notifier = new SnsSyncNotifier({ client: sns, topicArn });
  // What the drift handler does each pass (lambdas/drift/handler.ts noticeStuckApps), every 3 minutes.
  const pass = async (minute: number) => {
    const { next, notices } = updateStuckApps({
      previous: await store.get('prod'),
      current: [{ app: 'backend', status: 'OutOfSync' }],
      now: new Date(Date.UTC(2026, 11, 4, 10, minute)),
      stuckMinutes: 30,
    });
    for (const n of notices) await notifier.appStuck({ env: 'prod', ...n });
    await store.put('prod', next);
    return notices.length;
  };
  const sent: number[] = [];
  for (let minute = 0; minute <= 36; minute += 3) sent.push(await pass(minute));
  expect(sent.reduce((a, b) => a + b)).toBe(1);
  expect(sent.indexOf(1)).toBe(10); // minute 30
  expect(await store.get('prod')).toEqual([
    { app: 'backend', status: 'OutOfSync', since: '2026-12-04T10:00:00.000Z', notified: true },
  ]);
  const envelope = await receiveOne();
  expect(envelope.Subject).toBe('syncwave: prod/backend OutOfSync for 30 minutes');
  expect(envelope.Message).toContain('App backend in environment prod has been OutOfSync for 30 minutes');
  expect(envelope.Message).toContain('syncwave app get backend --env prod --aws');
  expect(envelope.MessageAttributes.event).toEqual({ Type: 'String', Value: 'app-stuck' });
  dynamo.destroy();
});
