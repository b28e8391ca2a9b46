import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Job, Queue } from '../../engine/index.ts';
import { queueGroupOf } from '../../engine/index.ts';
import { inTransaction, openDatabase, prepareAll } from './open-database.ts';

export const JOB_QUEUE_SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  env TEXT NOT NULL,
  job TEXT NOT NULL CHECK (json_valid(job)),
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done'))
);
CREATE INDEX IF NOT EXISTS jobs_env_state ON jobs (env, state, seq);
`;

/** Where a job stands in the queue. */
export type JobState = 'queued' | 'running' | 'done';

/**
 * The durable queue of `syncwave serve`: a FIFO per environment in SQLite, like an SQS FIFO
 * queue with one message group per environment. A job id is accepted once (later sends of the
 * same id are ignored, even after it is done); an environment hands out one job at a time; a
 * job claimed but not completed before a crash goes back to the queue with `requeueRunning()`.
 */
export class SqliteJobQueue implements Queue {
  readonly #db: DatabaseSync;
  readonly #sql: Record<keyof typeof STATEMENTS, StatementSync>;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareAll(db, STATEMENTS);
  }

  /** Opens (creating when needed) the queue in the SQLite file at `path` (may be the state store's file). */
  static async open(path: string): Promise<SqliteJobQueue> {
    return new SqliteJobQueue(await openDatabase({ path, schema: JOB_QUEUE_SCHEMA }));
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** Queues a job in its group (queueGroupOf: the environment, or `ENV/preview`); a job whose id was already sent is ignored. */
  async send(job: Job): Promise<void> {
    this.#sql.insert.run(job.id, queueGroupOf(job), JSON.stringify(job));
  }

  /**
   * The oldest queued job of `env`, now marked running; undefined when none is queued or when
   * a job of `env` is already running (jobs of one environment never overlap).
   */
  claimNext(env: string): Job | undefined {
    return inTransaction(this.#db, () => {
      if (this.#sql.running.get(env) !== undefined) return undefined;
      const row = this.#sql.oldestQueued.get(env) as { seq: number; job: string } | undefined;
      if (row === undefined) return undefined;
      this.#sql.setState.run('running', row.seq);
      return JSON.parse(row.job) as Job;
    });
  }

  /** Marks a job done; its id stays known so a redelivery is ignored. */
  complete(id: string): void {
    this.#sql.complete.run(id);
  }

  /** On start-up: every job left running by a crash is queued again, in its old place. Returns how many. */
  requeueRunning(): number {
    return Number(this.#sql.requeueRunning.run().changes);
  }

  /** Environments with queued jobs, the one waiting longest first. */
  pendingEnvs(): string[] {
    return this.#sql.pendingEnvs.all().map((row) => String(row.env));
  }

  /** Where a job stands; undefined when it was never sent. */
  state(id: string): JobState | undefined {
    const row = this.#sql.state.get(id);
    return row === undefined ? undefined : (String(row.state) as JobState);
  }
}

const STATEMENTS = {
  insert: "INSERT INTO jobs (id, env, job, state) VALUES (?, ?, ?, 'queued') ON CONFLICT (id) DO NOTHING",
  running: "SELECT 1 FROM jobs WHERE env = ? AND state = 'running' LIMIT 1",
  oldestQueued: "SELECT seq, job FROM jobs WHERE env = ? AND state = 'queued' ORDER BY seq LIMIT 1",
  setState: 'UPDATE jobs SET state = ? WHERE seq = ?',
  complete: "UPDATE jobs SET state = 'done' WHERE id = ?",
  requeueRunning: "UPDATE jobs SET state = 'queued' WHERE state = 'running'",
  pendingEnvs: "SELECT env FROM jobs WHERE state = 'queued' GROUP BY env ORDER BY MIN(seq)",
  state: 'SELECT state FROM jobs WHERE id = ?',
} as const;
