import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { PARTITION_KEY as PK, SORT_KEY as SK } from './table-schema.ts';

/** One record per app and status (OutOfSync, Degraded): since when, and whether it was told. */
export interface StuckAppRecord {
  app: string;
  status: 'OutOfSync' | 'Degraded';
  since: string;
  notified?: boolean;
}

/**
 * What the drift Lambda remembers between runs about apps that stay OutOfSync or Degraded, one
 * item per environment in the state table (pk `STUCK#<env>`, sk `STUCK`). Written by the drift
 * Lambda only (one invocation at a time per schedule), so a plain put.
 */
export class StuckAppsStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: { client: DynamoDBClient; tableName: string }) {
    this.#doc = DynamoDBDocumentClient.from(options.client);
    this.#table = options.tableName;
  }

  async get(env: string): Promise<StuckAppRecord[]> {
    const res = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { [PK]: `STUCK#${env}`, [SK]: 'STUCK' } }),
    );
    const doc = res.Item?.doc;
    return typeof doc === 'string' ? (JSON.parse(doc) as StuckAppRecord[]) : [];
  }

  async put(env: string, records: readonly StuckAppRecord[]): Promise<void> {
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: { [PK]: `STUCK#${env}`, [SK]: 'STUCK', doc: JSON.stringify(records) },
      }),
    );
  }
}
