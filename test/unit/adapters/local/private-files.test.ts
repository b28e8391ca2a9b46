// Local state holds rendered Secrets and the API token: files 0600, folders 0700, whatever the umask.
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteJobQueue } from '../../../../adapters/local/sqlite-job-queue.ts';
import { SqliteStateStore } from '../../../../adapters/local/sqlite-state-store.ts';
import { readApiToken } from '../../../../cli/client/read-api-token.ts';
import { apiTokenPath, ensureApiToken } from '../../../../cli/serve/api-token.ts';

const root = mkdtempSync(join(tmpdir(), 'syncwave-private-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const mode = (path: string): number => statSync(path).mode & 0o777;

describe('local state files', () => {
  it('creates the SQLite database, its -wal and -shm 0600 in a new 0700 folder, under umask 022', async () => {
    const old = process.umask(0o022);
    try {
      const path = join(root, 'data', 'syncwave.db');
      const store = await SqliteStateStore.open(path);
      const queue = await SqliteJobQueue.open(path);
      await store.putEnvironment({ env: 'dev', lastRevision: 'abc', updatedAt: 'now' });
      expect(mode(join(root, 'data'))).toBe(0o700);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(mode(file)).toBe(0o600);
      queue.close();
      store.close();
    } finally {
      process.umask(old);
    }
  });

  it('narrows a database file left world-readable by an older version', async () => {
    const path = join(root, 'old.db');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    const store = await SqliteStateStore.open(path);
    expect(mode(path)).toBe(0o600);
    store.close();
  });
});

describe('the API token', () => {
  it('is generated 0600 once, kept across starts, and read back by the CLI from the data directory', async () => {
    const dir = join(root, 'serve');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const token = await ensureApiToken(dir);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(mode(apiTokenPath(dir))).toBe(0o600);
    expect(await ensureApiToken(dir)).toBe(token);
    chmodSync(apiTokenPath(dir), 0o644);
    await ensureApiToken(dir);
    expect(mode(apiTokenPath(dir))).toBe(0o600);
    expect(readApiToken({ dataDir: dir, env: {} })).toBe(token);
    expect(readApiToken({ env: { SYNCWAVE_DATA_DIR: dir } })).toBe(token);
    expect(readApiToken({ token: 'given', dataDir: dir, env: { SYNCWAVE_TOKEN: 'env' } })).toBe('given');
    expect(readApiToken({ dataDir: dir, env: { SYNCWAVE_TOKEN: 'env' } })).toBe('env');
    expect(readApiToken({ dataDir: join(root, 'none'), env: {} })).toBeUndefined();
  });
});
