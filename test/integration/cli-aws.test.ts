/**
 * `syncwave app ... --aws` against an emulated stack: moto (loopback) holds a CloudFormation stack
 * whose resources and outputs are the syncwave stack's table, bucket, FIFO queue and Environments.
 * The CLI finds them through DescribeStacks, reads state from DynamoDB and queues jobs on SQS with
 * the default credential chain (here: AWS_* variables pointing at moto). The test plays the worker
 * where one is needed (it receives the job and records its history entry).
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../adapters/aws/dynamo-state-store.ts';
import { S3DesiredStore } from '../../adapters/aws/s3-desired-store.ts';
import type { HistoryEntry, Job } from '../../engine/index.ts';
import { type AwsEmulator, startAwsEmulator } from '../../harness/aws-emulator.ts';
import { runSyncwave } from '../../scripts/demo/serve-process.ts';

const STACK = 'syncwave-cli-test';
const R1 = '1'.repeat(40);
const R2 = '2'.repeat(40);
let aws: AwsEmulator;
let sqs: SQSClient;
let state: DynamoStateStore;
let outputs: Record<string, string>;
let awsEnv: NodeJS.ProcessEnv;

const template = {
  Resources: {
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      },
    },
    Bucket: { Type: 'AWS::S3::Bucket' },
    Queue: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true, QueueName: 'syncwave-cli-jobs.fifo' } },
  },
  Outputs: {
    TableName: { Value: { Ref: 'Table' } },
    BucketName: { Value: { Ref: 'Bucket' } },
    QueueUrl: { Value: { Ref: 'Queue' } },
    Environments: {
      Value: JSON.stringify([
        { name: 'dev', branch: 'develop' },
        { name: 'prod', branch: 'main' },
      ]),
    },
  },
};

const history = (
  app: string,
  revision: string,
  over: Partial<HistoryEntry> = {},
): Omit<HistoryEntry, 'id'> => ({
  env: 'dev',
  app,
  revision,
  initiator: 'push',
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:01:00.000Z',
  phase: 'Succeeded',
  message: 'synced',
  health: { status: 'Healthy' },
  resources: [],
  ...over,
});

beforeAll(async () => {
  aws = await startAwsEmulator();
  const cfn = new CloudFormationClient(aws.clientConfig);
  await cfn.send(new CreateStackCommand({ StackName: STACK, TemplateBody: JSON.stringify(template) }));
  const described = await cfn.send(new DescribeStacksCommand({ StackName: STACK }));
  outputs = Object.fromEntries(described.Stacks![0]!.Outputs!.map((o) => [o.OutputKey!, o.OutputValue!]));
  cfn.destroy();
  sqs = new SQSClient(aws.clientConfig);
  state = new DynamoStateStore({
    client: new DynamoDBClient(aws.clientConfig),
    tableName: outputs.TableName!,
    desired: new S3DesiredStore({ client: new S3Client(aws.clientConfig), bucket: outputs.BucketName! }),
  });
  for (const [app, revision] of [
    ['backend', R2],
    ['frontend', R2],
  ] as const) {
    await state.putApp({
      env: 'dev',
      app,
      revision,
      syncedRevision: revision,
      syncStatus: 'Synced',
      health: { status: 'Healthy' },
      resources: [],
      inventory: [],
      wave: app === 'backend' ? 1 : 2,
      updatedAt: '2026-12-01T10:01:00.000Z',
    });
  }
  await state.appendHistory(history('backend', R1), 10);
  await state.appendHistory(history('backend', R2), 10);
  // The CLI's environment: the default credential chain and endpoint, and no serve at all.
  awsEnv = {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: aws.region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    SYNCWAVE_SERVER: 'http://127.0.0.1:9', // nothing listens: a call to serve would fail
    SYNCWAVE_STACK: '',
  };
}, 120_000);

afterAll(async () => {
  sqs?.destroy();
  await aws?.stop();
});

async function receiveJob(): Promise<{ job: Job; message: Message }> {
  for (let i = 0; i < 30; i++) {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: outputs.QueueUrl,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    const message = res.Messages?.[0];
    if (message) {
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: outputs.QueueUrl, ReceiptHandle: message.ReceiptHandle! }),
      );
      return { job: JSON.parse(message.Body!) as Job, message };
    }
  }
  throw new Error('no job on the queue');
}

describe('syncwave app --aws', () => {
  it('app list --aws reads the apps from the stack found by its outputs', async () => {
    const res = await runSyncwave(['app', 'list', '--aws', STACK], { env: awsEnv });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/backend/);
    expect(res.stdout).toMatch(/frontend/);
    expect(res.stdout).toMatch(/Synced/);
    const json = await runSyncwave(['app', 'list', '--aws', STACK, '-o', 'json'], { env: awsEnv });
    expect(
      JSON.parse(json.stdout)
        .apps.map((a: { app: string }) => a.app)
        .sort(),
    ).toEqual(['backend', 'frontend']);
  });

  it('SYNCWAVE_STACK selects the stack too; history lists the ids rollback takes', async () => {
    const res = await runSyncwave(['app', 'history', 'backend', '-o', 'json'], {
      env: { ...awsEnv, SYNCWAVE_STACK: STACK },
    });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).history.map((h: HistoryEntry) => [h.id, h.revision])).toEqual([
      [2, R2],
      [1, R1],
    ]);
  });

  it('app rollback NAME ID --aws queues the earlier revision for the worker and pauses automation', async () => {
    const res = await runSyncwave(['app', 'rollback', 'backend', '1', '--aws', STACK, '--async'], {
      env: awsEnv,
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/queued rollback of dev\/backend to 1111111 \(history 1\)/);
    const { job, message } = await receiveJob();
    expect(job).toMatchObject({ env: 'dev', revision: R1, reason: 'rollback', apps: ['backend'] });
    expect(message.Attributes?.MessageGroupId).toBe('dev');
    expect((await state.getApp('dev', 'backend'))?.automationPaused).toBe(true);

    const resumed = await runSyncwave(['app', 'resume', 'backend', '--aws', STACK], { env: awsEnv });
    expect(resumed.code).toBe(0);
    expect((await state.getApp('dev', 'backend'))?.automationPaused).toBe(false);
  });

  it('app sync --aws waits for the worker to record the job, and prints its result', async () => {
    const cli = runSyncwave(['app', 'sync', 'frontend', '--aws', STACK, '--timeout', '60s'], { env: awsEnv });
    // The worker's part: take the job, record its sync.
    const { job } = await receiveJob();
    expect(job).toMatchObject({ env: 'dev', revision: 'develop', reason: 'manual', apps: ['frontend'] });
    await state.appendHistory(
      history('frontend', R2, {
        initiator: 'manual',
        deliveryId: job.id,
        phase: 'Failed',
        message: 'wave 2 not healthy',
      }),
      10,
    );
    const res = await cli;
    expect(res.code).toBe(1); // the sync failed
    expect(res.stdout).toMatch(/wave 2 not healthy/);
  });

  it('refuses a foreign revision it cannot check, and an unknown app, saying what to do', async () => {
    const foreign = await runSyncwave(['app', 'sync', 'backend', '--aws', STACK, '--revision', R1], {
      env: awsEnv,
    });
    expect(foreign.code).not.toBe(0);
    expect(foreign.stderr).toMatch(/--allow-foreign-revision/);
    const missing = await runSyncwave(['app', 'get', 'nope', '--aws', STACK], { env: awsEnv });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no app nope has been synced yet \(known: backend, frontend\)/);
    const noStack = await runSyncwave(['app', 'list', '--aws', 'no-such-stack'], { env: awsEnv });
    expect(noStack.code).not.toBe(0);
    expect(noStack.stderr).toMatch(/cannot read the outputs of CloudFormation stack no-such-stack/);
  });
});
