import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import pLimit from 'p-limit';
import type {
  AppState,
  EnvironmentState,
  HistoryEntry,
  KubeObject,
  StateStore,
  SyncOperation,
} from '../../engine/index.ts';
import { LocalStoreError } from './errors.ts';
import { historyKeep } from './history-keep.ts';
import { inTransaction, openDatabase, prepareAll } from './open-database.ts';
import { STATE_SCHEMA } from './state-schema.ts';

/**
 * Each zlib stream holds ~270 KB of native memory from its start: a job finishing 1,000 apps at
 * once had 830 gzips in flight, 225 MB of serve's 494 MiB (a heap snapshot, issue 13). At most
 * this many run at once (libuv's thread pool runs 4 anyway).
 */
const ZLIB_CONCURRENCY = 4;
const zlibSlots = pLimit(ZLIB_CONCURRENCY);
const gzipAsync = (data: string) => zlibSlots(() => promisify(gzip)(data));
const gunzipAsync = (data: Uint8Array) => zlibSlots(() => promisify(gunzip)(data));

type Row = Record<string, unknown>;

/**
 * The StateStore of local mode: one SQLite file in the data directory (WAL mode, so the
 * `syncwave serve` process and a CLI can share it). Documents are JSON columns; desired
 * states are gzipped JSON.
 */
export class SqliteStateStore implements StateStore {
  readonly #db: DatabaseSync;
  readonly #sql: Record<keyof typeof STATEMENTS, StatementSync>;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareAll(db, STATEMENTS);
  }

  /** Opens (creating when needed) the database file at `path`, or ':memory:'. */
  static async open(path: string): Promise<SqliteStateStore> {
    return new SqliteStateStore(await openDatabase({ path, schema: STATE_SCHEMA }));
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  async getApp(env: string, app: string): Promise<AppState | undefined> {
    return parse<AppState>(this.#sql.getApp.get(env, app), 'state');
  }

  async putApp(state: AppState): Promise<boolean> {
    const expected = state.version ?? 0;
    const stored = JSON.stringify({ ...state, version: expected + 1 });
    return this.#sql.putApp.run(state.env, state.app, stored, expected).changes > 0;
  }

  async listApps(env?: string): Promise<AppState[]> {
    const rows = env === undefined ? this.#sql.listAllApps.all() : this.#sql.listApps.all(env);
    return rows.map((row) => parse<AppState>(row, 'state')!);
  }

  async getEnvironment(env: string): Promise<EnvironmentState | undefined> {
    return parse<EnvironmentState>(this.#sql.getEnvironment.get(env), 'state');
  }

  async putEnvironment(state: EnvironmentState): Promise<void> {
    this.#sql.putEnvironment.run(state.env, JSON.stringify(state));
  }

  async appendHistory(entry: Omit<HistoryEntry, 'id'>, keep: number): Promise<HistoryEntry> {
    return inTransaction(this.#db, () => {
      const id = Number((this.#sql.nextHistoryId.get(entry.env, entry.app) as Row).last_id);
      const stored: HistoryEntry = { ...entry, id };
      this.#sql.insertHistory.run(entry.env, entry.app, id, JSON.stringify(stored));
      this.#sql.trimHistory.run(entry.env, entry.app, id - historyKeep(keep));
      return stored;
    });
  }

  async listHistory(env: string, app: string, limit?: number): Promise<HistoryEntry[]> {
    const rows = this.#sql.listHistory.all(env, app, limit === undefined ? -1 : Math.max(0, limit));
    return rows.map((row) => parse<HistoryEntry>(row, 'entry')!);
  }

  async getOperation(env: string, app: string): Promise<SyncOperation | undefined> {
    return parse<SyncOperation>(this.#sql.getOperation.get(env, app), 'operation');
  }

  async putOperation(op: SyncOperation): Promise<void> {
    this.#sql.putOperation.run(op.env, op.app, JSON.stringify(op));
  }

  async deleteOperation(env: string, app: string): Promise<void> {
    this.#sql.deleteOperation.run(env, app);
  }

  async putDesired(env: string, app: string, revision: string, objects: KubeObject[]): Promise<void> {
    const compressed = await gzipAsync(JSON.stringify(objects));
    this.#sql.putDesired.run(env, app, revision, compressed);
  }

  async getDesired(env: string, app: string, revision: string): Promise<KubeObject[] | undefined> {
    const row = this.#sql.getDesired.get(env, app, revision) as Row | undefined;
    if (row === undefined) return undefined;
    try {
      const json = await gunzipAsync(row.objects_gz as Uint8Array);
      return JSON.parse(json.toString('utf8')) as KubeObject[];
    } catch (error) {
      throw new LocalStoreError(
        `${env}/${app}@${revision}: the stored desired state cannot be read (${(error as Error).message}); sync the app again to store it anew`,
        { cause: error },
      );
    }
  }

  async acquireLease(env: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const result = this.#sql.acquireLease.run(env, owner, nowMs + ttlMs, nowMs);
    return Number(result.changes) > 0;
  }

  async releaseLease(env: string, owner: string): Promise<void> {
    this.#sql.releaseLease.run(env, owner);
  }

  async markJobDone(jobId: string, nowMs: number): Promise<boolean> {
    return Number(this.#sql.markJobDone.run(jobId, nowMs).changes) > 0;
  }
}

function parse<T>(row: unknown, column: string): T | undefined {
  if (row === undefined) return undefined;
  return JSON.parse(String((row as Row)[column])) as T;
}

const STATEMENTS = {
  getApp: 'SELECT state FROM apps WHERE env = ? AND app = ?',
  // Compare-and-set in one statement: the update happens only over the version the writer read.
  putApp:
    "INSERT INTO apps (env, app, state) VALUES (?, ?, ?) ON CONFLICT (env, app) DO UPDATE SET state = excluded.state WHERE coalesce(json_extract(apps.state, '$.version'), 0) = ?",
  listApps: 'SELECT state FROM apps WHERE env = ? ORDER BY app',
  listAllApps: 'SELECT state FROM apps ORDER BY env, app',
  getEnvironment: 'SELECT state FROM environments WHERE env = ?',
  putEnvironment:
    'INSERT INTO environments (env, state) VALUES (?, ?) ON CONFLICT (env) DO UPDATE SET state = excluded.state',
  nextHistoryId:
    'INSERT INTO history_seq (env, app, last_id) VALUES (?, ?, 1) ON CONFLICT (env, app) DO UPDATE SET last_id = last_id + 1 RETURNING last_id',
  insertHistory: 'INSERT INTO history (env, app, id, entry) VALUES (?, ?, ?, ?)',
  trimHistory: 'DELETE FROM history WHERE env = ? AND app = ? AND id <= ?',
  listHistory: 'SELECT entry FROM history WHERE env = ? AND app = ? ORDER BY id DESC LIMIT ?',
  getOperation: 'SELECT operation FROM operations WHERE env = ? AND app = ?',
  putOperation:
    'INSERT INTO operations (env, app, operation) VALUES (?, ?, ?) ON CONFLICT (env, app) DO UPDATE SET operation = excluded.operation',
  deleteOperation: 'DELETE FROM operations WHERE env = ? AND app = ?',
  putDesired:
    'INSERT INTO desired (env, app, revision, objects_gz) VALUES (?, ?, ?, ?) ON CONFLICT (env, app, revision) DO UPDATE SET objects_gz = excluded.objects_gz',
  getDesired: 'SELECT objects_gz FROM desired WHERE env = ? AND app = ? AND revision = ?',
  acquireLease: `INSERT INTO leases (env, owner, expires_at_ms) VALUES (?1, ?2, ?3)
    ON CONFLICT (env) DO UPDATE SET owner = excluded.owner, expires_at_ms = excluded.expires_at_ms
    WHERE leases.owner = excluded.owner OR leases.expires_at_ms <= ?4`,
  releaseLease: 'DELETE FROM leases WHERE env = ? AND owner = ?',
  markJobDone: 'INSERT INTO jobs_done (job_id, done_at_ms) VALUES (?, ?) ON CONFLICT (job_id) DO NOTHING',
} as const;
