import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LocalStoreError } from './errors.ts';
import { loadSqlite } from './load-sqlite.ts';

export interface OpenDatabaseOptions {
  /** The database file (its folder is created), or ':memory:'. */
  path: string;
  /** SQL run once after opening (CREATE TABLE IF NOT EXISTS ...). */
  schema: string;
  /** How long a writer waits for another process's lock before failing. Default 5000. */
  busyTimeoutMs?: number;
}

/**
 * The database holds rendered objects (Secrets among them): its folder is made 0700 when created,
 * and the file 0600 before SQLite opens it. SQLite creates the -wal and -shm files with the
 * database file's mode; files left by an older version are narrowed to 0600.
 */
function makePrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
}

/** Opens a SQLite file in WAL mode with a busy timeout and applies the schema. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseSync> {
  const { DatabaseSync } = await loadSqlite();
  try {
    if (options.path !== ':memory:') makePrivateFile(options.path);
    const db = new DatabaseSync(options.path);
    db.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec(options.schema);
    return db;
  } catch (error) {
    throw new LocalStoreError(
      `${options.path}: cannot open the SQLite database: ${(error as Error).message}; check that the data directory is writable and the file is not corrupt`,
      { cause: error },
    );
  }
}

/** Runs `work` inside BEGIN IMMEDIATE ... COMMIT, rolling back when it throws. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** Each SQL text of `statements` prepared once on `db`, under the same names. */
export function prepareAll<K extends string>(
  db: DatabaseSync,
  statements: Record<K, string>,
): Record<K, StatementSync> {
  return Object.fromEntries(
    Object.entries<string>(statements).map(([name, text]) => [name, db.prepare(text)]),
  ) as Record<K, StatementSync>;
}
