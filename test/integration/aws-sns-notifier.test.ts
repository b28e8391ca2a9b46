/**
 * SnsSyncNotifier against moto's SNS on loopback: the topic delivers to an SQS queue subscribed
 * to it (raw delivery off, as an email or chat integration receives the SNS envelope).
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SnsSyncNotifier } from '../../adapters/aws/sns-sync-notifier.ts';
import { type AwsEmulator, startAwsEmulator } from '../../harness/aws-emulator.ts';

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
  let messages: Array<{ Body?: string }> = [];
  for (let i = 0; i < 50 && messages.length === 0; i++) {
    messages =
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }))).Messages ?? [];
  }
  expect(messages).toHaveLength(1);
  const envelope = JSON.parse(messages[0]!.Body!);
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
});
