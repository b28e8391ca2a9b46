/**
 * DynamoStateStore + S3DesiredStore against moto's server on loopback (real HTTP, real SDK
 * clients), through the StateStore contract suite plus DynamoDB-specific checks.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERSEDED_TAG } from '../../adapters/aws/bucket-layout.ts';
import { DynamoStateStore } from '../../adapters/aws/dynamo-state-store.ts';
import { S3DesiredStore } from '../../adapters/aws/s3-desired-store.ts';
import { PARTITION_KEY, SORT_KEY } from '../../adapters/aws/table-schema.ts';
import type { HistoryEntry } from '../../engine/history.ts';
import { type AwsEmulator, startAwsEmulator } from '../../harness/aws-emulator.ts';
import { describeStateStoreContract } from '../support/state-store-contract.ts';

const TABLE = 'syncwave-state';
const BUCKET = 'syncwave-desired';
let aws: AwsEmulator;
let dynamo: DynamoDBClient;
let s3: S3Client;

beforeAll(async () => {
  aws = await startAwsEmulator();
  dynamo = new DynamoDBClient(aws.clientConfig);
  s3 = new S3Client(aws.clientConfig);
  await dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
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
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 60_000);

afterAll(async () => {
  dynamo?.destroy();
  s3?.destroy();
  await aws?.stop();
});

const makeStore = () =>
  new DynamoStateStore({
    client: dynamo,
    tableName: TABLE,
    desired: new S3DesiredStore({ client: s3, bucket: BUCKET }),
  });

describeStateStoreContract('DynamoDB + S3 (moto server)', makeStore);

describe('DynamoStateStore specifics', () => {
  // The conditional put decides the lease. moto does not make concurrent conditional writes
  // atomic (DynamoDB does), so the workers try one after another here: what is tested is our
  // condition expression, not the emulator's locking.
  it('gives the lease to exactly one of many workers, and to another once it expires', async () => {
    const store = makeStore();
    const won: boolean[] = [];
    for (let i = 0; i < 12; i++)
      won.push(await store.acquireLease('race-env', `worker-${i}`, 60_000, 1_000 + i));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(won[0]).toBe(true);
    expect(await store.acquireLease('race-env', 'worker-late', 60_000, 1_000 + 60_001)).toBe(true);
  });

  it('gzips large documents and reads them back', async () => {
    const store = makeStore();
    const entry: Omit<HistoryEntry, 'id'> = {
      env: 'big',
      app: 'web',
      revision: 'r1',
      initiator: 'push',
      startedAt: 'now',
      finishedAt: 'now',
      phase: 'Succeeded',
      message: 'ok',
      health: { status: 'Healthy' },
      resources: Array.from({ length: 2000 }, (_, i) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'web',
        name: `cm-${i}`,
        wave: 0,
        phase: 'Sync' as const,
        action: 'update' as const,
        outcome: 'configured' as const,
      })),
    };
    const saved = await store.appendHistory(entry, 10);
    const raw = await dynamo.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: {
          [PARTITION_KEY]: { S: 'HIST#big#web' },
          [SORT_KEY]: { S: String(saved.id).padStart(10, '0') },
        },
      }),
    );
    expect(raw.Item?.docGz?.B).toBeInstanceOf(Uint8Array);
    expect(raw.Item?.doc).toBeUndefined();
    expect(await store.listHistory('big', 'web')).toEqual([saved]);
  });

  it('tags the previous revision superseded (for the lifecycle rule), never the current one', async () => {
    const desired = new S3DesiredStore({ client: s3, bucket: BUCKET });
    const cm = (v: string) => [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'web' }, data: { v } },
    ];
    const tags = async (revision: string) =>
      (
        await s3.send(
          new GetObjectTaggingCommand({ Bucket: BUCKET, Key: desired.key('life', 'web', revision) }),
        )
      ).TagSet ?? [];
    await desired.putDesired('life', 'web', 'r1', cm('1'));
    expect(await tags('r1')).toEqual([]);
    expect(await desired.currentRevision('life', 'web')).toBe('r1');
    await desired.putDesired('life', 'web', 'r2', cm('2'));
    expect(await tags('r1')).toEqual([{ Key: SUPERSEDED_TAG, Value: 'true' }]);
    expect(await tags('r2')).toEqual([]);
    expect(await desired.currentRevision('life', 'web')).toBe('r2');
    // The same revision again (a re-sync) stays current and untagged.
    await desired.putDesired('life', 'web', 'r2', cm('2'));
    expect(await tags('r2')).toEqual([]);
    // Other apps are untouched, and the older revision is still readable until it expires.
    expect(await desired.getDesired('life', 'web', 'r1')).toEqual(cm('1'));
  });

  it('stores desired state gzipped under a readable key', async () => {
    const desired = new S3DesiredStore({ client: s3, bucket: BUCKET });
    expect(desired.key('dev', 'web', 'abc123')).toBe('desired/dev/web/abc123.json.gz');
  });
});
