import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../../../adapters/local/sqlite-state-store.ts';
import { describeStateStoreContract } from '../../../support/state-store-contract.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'syncwave-state-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

let files = 0;
describeStateStoreContract(
  'SqliteStateStore',
  () => SqliteStateStore.open(join(dataDir, `state-${files++}.db`)),
  {
    close: (store) => (store as SqliteStateStore).close(),
  },
);

describe('SqliteStateStore on disk', () => {
  it('keeps everything across close and reopen, and history ids go on increasing', async () => {
    // Prepare
    const path = join(dataDir, 'nested', 'dir', 'state.db');
    const first = await SqliteStateStore.open(path);
    await first.putEnvironment({ env: 'dev', lastRevision: 'abc', updatedAt: 'now' });
    const entry = await first.appendHistory(
      {
        env: 'dev',
        app: 'web',
        revision: 'abc',
        initiator: 'push',
        startedAt: 'now',
        finishedAt: 'now',
        phase: 'Succeeded',
        message: 'ok',
        health: { status: 'Healthy' },
        resources: [],
      },
      1,
    );
    await first.putDesired('dev', 'web', 'abc', [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
    ]);
    expect(await first.acquireLease('dev', 'serve-1', 60_000, 0)).toBe(true);
    first.close();

    // Act
    const second = await SqliteStateStore.open(path);
    const next = await second.appendHistory({ ...entry, revision: 'def' }, 1);

    // Assess
    expect(await second.getEnvironment('dev')).toEqual({ env: 'dev', lastRevision: 'abc', updatedAt: 'now' });
    expect(next.id).toBe(entry.id + 1);
    expect((await second.listHistory('dev', 'web')).map((h) => h.revision)).toEqual(['def']);
    expect(await second.getDesired('dev', 'web', 'abc')).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
    ]);
    expect(await second.acquireLease('dev', 'serve-2', 60_000, 1)).toBe(false);
    second.close();
  });

  it('lets two connections to one file see each other (serve and the CLI)', async () => {
    const path = join(dataDir, 'shared.db');
    const serve = await SqliteStateStore.open(path);
    const cli = await SqliteStateStore.open(path);

    expect(await serve.acquireLease('prod', 'serve', 60_000, 0)).toBe(true);
    expect(await cli.acquireLease('prod', 'cli', 60_000, 1)).toBe(false);
    expect(await cli.markJobDone('d-1', 0)).toBe(true);
    expect(await serve.markJobDone('d-1', 0)).toBe(false);
    serve.close();
    cli.close();
  });
});
