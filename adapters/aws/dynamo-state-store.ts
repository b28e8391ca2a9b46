import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  AppState,
  EnvironmentState,
  HistoryEntry,
  KubeObject,
  StateStore,
  SyncOperation,
} from '../../engine/index.ts';
import type { DesiredStore } from './s3-desired-store.ts';
import { PARTITION_KEY as PK, SORT_KEY as SK, TTL_ATTRIBUTE } from './table-schema.ts';

export interface DynamoStateStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Where rendered desired state goes (S3DesiredStore on AWS). */
  desired: DesiredStore;
}

/** Documents above this many bytes of JSON are stored gzipped. */
const GZIP_ABOVE = 64 * 1024;
const HISTORY_ID_DIGITS = 10;
const COUNTER = 'COUNTER';
const DAY_MS = 86_400_000;

type Item = Record<string, unknown>;
type Key = { [PK]: string; [SK]: string };

const key = (pk: string, sk: string): Key => ({ [PK]: pk, [SK]: sk });
const appKey = (env: string, app: string) => key(`APP#${env}`, `APP#${app}`);
const envKey = (env: string) => key(`ENV#${env}`, 'ENV');
const histPk = (env: string, app: string) => `HIST#${env}#${app}`;
const opKey = (env: string, app: string) => key(`OP#${env}`, `OP#${app}`);
const leaseKey = (env: string) => key(`LEASE#${env}`, 'LEASE');
const historySk = (id: number) => String(id).padStart(HISTORY_ID_DIGITS, '0');

function encode(doc: unknown): Item {
  const json = JSON.stringify(doc);
  return json.length > GZIP_ABOVE ? { docGz: gzipSync(json) } : { doc: json };
}

function decode<T>(item: Item | undefined): T | undefined {
  if (!item) return undefined;
  if (typeof item.doc === 'string') return JSON.parse(item.doc) as T;
  if (item.docGz instanceof Uint8Array) return JSON.parse(gunzipSync(item.docGz).toString('utf8')) as T;
  return undefined;
}

const isConditionFailure = (err: unknown) =>
  err instanceof ConditionalCheckFailedException ||
  (err as { name?: string }).name === 'ConditionalCheckFailedException';

/** StateStore on one DynamoDB table (layout in table-schema.ts) plus a DesiredStore for rendered objects. */
export class DynamoStateStore implements StateStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #desired: DesiredStore;

  constructor(options: DynamoStateStoreOptions) {
    this.#db = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#table = options.tableName;
    this.#desired = options.desired;
  }

  async #get<T>(k: Key): Promise<T | undefined> {
    const res = await this.#db.send(new GetCommand({ TableName: this.#table, Key: k, ConsistentRead: true }));
    return decode<T>(res.Item);
  }

  async #put(k: Key, doc: unknown, extra: Item = {}): Promise<void> {
    await this.#db.send(new PutCommand({ TableName: this.#table, Item: { ...k, ...extra, ...encode(doc) } }));
  }

  async #queryAll(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.#db.send(
        new QueryCommand({ ...input, TableName: this.#table, ExclusiveStartKey: start }),
      );
      items.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return items;
  }

  getApp(env: string, app: string): Promise<AppState | undefined> {
    return this.#get<AppState>(appKey(env, app));
  }

  /** Compare-and-set on the item's `version` attribute (absent on items written before it counts as 0). */
  async putApp(state: AppState): Promise<boolean> {
    const expected = state.version ?? 0;
    const doc = { ...state, version: expected + 1 };
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...appKey(state.env, state.app),
            env: state.env,
            app: state.app,
            updatedAt: state.updatedAt,
            version: expected + 1,
            ...encode(doc),
          },
          ConditionExpression:
            expected === 0
              ? 'attribute_not_exists(#pk) OR attribute_not_exists(#version) OR #version = :expected'
              : 'attribute_not_exists(#pk) OR #version = :expected',
          ExpressionAttributeNames: { '#pk': PK, '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expected },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async listApps(env?: string): Promise<AppState[]> {
    let items: Item[];
    if (env !== undefined) {
      items = await this.#queryAll({
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': `APP#${env}` },
        ConsistentRead: true,
      });
    } else {
      // All environments: a filtered scan. The table holds few items (apps x environments).
      items = [];
      let start: Record<string, unknown> | undefined;
      do {
        const res = await this.#db.send(
          new ScanCommand({
            TableName: this.#table,
            FilterExpression: 'begins_with(#pk, :p)',
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':p': 'APP#' },
            ExclusiveStartKey: start,
            ConsistentRead: true,
          }),
        );
        items.push(...(res.Items ?? []));
        start = res.LastEvaluatedKey;
      } while (start);
    }
    return items
      .map((i) => decode<AppState>(i))
      .filter((s): s is AppState => s !== undefined)
      .sort((a, b) => a.env.localeCompare(b.env) || a.app.localeCompare(b.app));
  }

  getEnvironment(env: string): Promise<EnvironmentState | undefined> {
    return this.#get<EnvironmentState>(envKey(env));
  }

  putEnvironment(state: EnvironmentState): Promise<void> {
    return this.#put(envKey(state.env), state, { env: state.env, updatedAt: state.updatedAt });
  }

  async appendHistory(entry: Omit<HistoryEntry, 'id'>, keep: number): Promise<HistoryEntry> {
    const pk = histPk(entry.env, entry.app);
    const counter = await this.#db.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: key(pk, COUNTER),
        UpdateExpression: 'ADD #n :one',
        ExpressionAttributeNames: { '#n': 'next' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const id = Number(counter.Attributes?.next);
    const full: HistoryEntry = { ...entry, id };
    await this.#put(key(pk, historySk(id)), full, { revision: entry.revision, phase: entry.phase });
    await this.#trimHistory(pk, keep);
    return full;
  }

  async #trimHistory(pk: string, keep: number): Promise<void> {
    const keys = await this.#queryAll({
      KeyConditionExpression: '#pk = :pk AND #sk < :c',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': pk, ':c': COUNTER },
      ProjectionExpression: '#pk, #sk',
      ScanIndexForward: false,
      ConsistentRead: true,
    });
    const stale = keys.slice(Math.max(keep, 1)); // the entry just added always stays
    for (let i = 0; i < stale.length; i += 25) {
      const batch = stale.slice(i, i + 25).map((k) => ({ DeleteRequest: { Key: key(pk, String(k[SK])) } }));
      await this.#db.send(new BatchWriteCommand({ RequestItems: { [this.#table]: batch } }));
    }
  }

  async listHistory(env: string, app: string, limit?: number): Promise<HistoryEntry[]> {
    const res = await this.#db.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: '#pk = :pk AND #sk < :c',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': histPk(env, app), ':c': COUNTER },
        ScanIndexForward: false,
        ConsistentRead: true,
        ...(limit !== undefined ? { Limit: limit } : {}),
      }),
    );
    return (res.Items ?? [])
      .map((i) => decode<HistoryEntry>(i))
      .filter((e): e is HistoryEntry => e !== undefined);
  }

  getOperation(env: string, app: string): Promise<SyncOperation | undefined> {
    return this.#get<SyncOperation>(opKey(env, app));
  }

  putOperation(op: SyncOperation): Promise<void> {
    return this.#put(opKey(op.env, op.app), op, { env: op.env, app: op.app, revision: op.revision });
  }

  async deleteOperation(env: string, app: string): Promise<void> {
    await this.#db.send(new DeleteCommand({ TableName: this.#table, Key: opKey(env, app) }));
  }

  putDesired(env: string, app: string, revision: string, objects: KubeObject[]): Promise<void> {
    return this.#desired.putDesired(env, app, revision, objects);
  }

  getDesired(env: string, app: string, revision: string): Promise<KubeObject[] | undefined> {
    return this.#desired.getDesired(env, app, revision);
  }

  async acquireLease(env: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const expiresAt = nowMs + ttlMs;
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...leaseKey(env),
            owner,
            expiresAt,
            [TTL_ATTRIBUTE]: Math.ceil((expiresAt + DAY_MS) / 1000),
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #exp <= :now OR #owner = :owner',
          ExpressionAttributeNames: { '#pk': PK, '#exp': 'expiresAt', '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': nowMs, ':owner': owner },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async releaseLease(env: string, owner: string): Promise<void> {
    try {
      await this.#db.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: leaseKey(env),
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (err) {
      // Someone else holds it now (ours expired): theirs is not ours to release.
      if (!isConditionFailure(err)) throw err;
    }
  }
}
