import type {
  AppState,
  EnvironmentState,
  HistoryEntry,
  KubeObject,
  StateStore,
  SyncOperation,
} from '../../engine/index.ts';
import { historyKeep } from './history-keep.ts';
import { type Lease, leaseIsFree } from './lease-is-free.ts';

interface AppHistory {
  lastId: number;
  /** Oldest first. */
  entries: HistoryEntry[];
}

/**
 * A StateStore held in memory: unit tests and one-shot CLI runs. Everything is copied in
 * and out, so callers never share objects with the store (as with a real database).
 */
export class MemoryStateStore implements StateStore {
  readonly #apps = new Map<string, AppState>();
  readonly #environments = new Map<string, EnvironmentState>();
  readonly #history = new Map<string, AppHistory>();
  readonly #operations = new Map<string, SyncOperation>();
  readonly #desired = new Map<string, KubeObject[]>();
  readonly #leases = new Map<string, Lease>();
  readonly #jobsDone = new Map<string, number>();

  async getApp(env: string, app: string): Promise<AppState | undefined> {
    return copy(this.#apps.get(appKey(env, app)));
  }

  async putApp(state: AppState): Promise<boolean> {
    const key = appKey(state.env, state.app);
    const current = this.#apps.get(key);
    if (current && (current.version ?? 0) !== (state.version ?? 0)) return false;
    this.#apps.set(key, copy({ ...state, version: (state.version ?? 0) + 1 }));
    return true;
  }

  async listApps(env?: string): Promise<AppState[]> {
    return [...this.#apps.values()]
      .filter((state) => env === undefined || state.env === env)
      .sort((a, b) => compare(a.env, b.env) || compare(a.app, b.app))
      .map(copy);
  }

  async getEnvironment(env: string): Promise<EnvironmentState | undefined> {
    return copy(this.#environments.get(env));
  }

  async putEnvironment(state: EnvironmentState): Promise<void> {
    this.#environments.set(state.env, copy(state));
  }

  async appendHistory(entry: Omit<HistoryEntry, 'id'>, keep: number): Promise<HistoryEntry> {
    const key = appKey(entry.env, entry.app);
    const history = this.#history.get(key) ?? { lastId: 0, entries: [] };
    history.lastId += 1;
    const stored: HistoryEntry = { ...copy(entry), id: history.lastId };
    history.entries.push(stored);
    history.entries.splice(0, Math.max(0, history.entries.length - historyKeep(keep)));
    this.#history.set(key, history);
    return copy(stored);
  }

  async listHistory(env: string, app: string, limit?: number): Promise<HistoryEntry[]> {
    const entries = [...(this.#history.get(appKey(env, app))?.entries ?? [])].reverse();
    return (limit === undefined ? entries : entries.slice(0, Math.max(0, limit))).map(copy);
  }

  async getOperation(env: string, app: string): Promise<SyncOperation | undefined> {
    return copy(this.#operations.get(appKey(env, app)));
  }

  async putOperation(op: SyncOperation): Promise<void> {
    this.#operations.set(appKey(op.env, op.app), copy(op));
  }

  async deleteOperation(env: string, app: string): Promise<void> {
    this.#operations.delete(appKey(env, app));
  }

  async putDesired(env: string, app: string, revision: string, objects: KubeObject[]): Promise<void> {
    this.#desired.set(desiredKey(env, app, revision), copy(objects));
  }

  async getDesired(env: string, app: string, revision: string): Promise<KubeObject[] | undefined> {
    return copy(this.#desired.get(desiredKey(env, app, revision)));
  }

  async acquireLease(env: string, owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
    if (!leaseIsFree(this.#leases.get(env), owner, nowMs)) return false;
    this.#leases.set(env, { owner, expiresAtMs: nowMs + ttlMs });
    return true;
  }

  async releaseLease(env: string, owner: string): Promise<void> {
    if (this.#leases.get(env)?.owner === owner) this.#leases.delete(env);
  }

  async markJobDone(jobId: string, nowMs: number): Promise<boolean> {
    if (this.#jobsDone.has(jobId)) return false;
    this.#jobsDone.set(jobId, nowMs);
    return true;
  }
}

function appKey(env: string, app: string): string {
  return JSON.stringify([env, app]);
}

function desiredKey(env: string, app: string, revision: string): string {
  return JSON.stringify([env, app, revision]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
