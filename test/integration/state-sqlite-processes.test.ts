// The SQLite state store and job queue shared by several processes at once (`syncwave serve`
// and CLI commands on one data directory): no lost history ids, one lease holder, each job once.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteJobQueue } from '../../adapters/local/sqlite-job-queue.ts';
import { SqliteStateStore } from '../../adapters/local/sqlite-state-store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'syncwave-state-procs-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const storeUrl = new URL('../../adapters/local/sqlite-state-store.ts', import.meta.url).href;
const queueUrl = new URL('../../adapters/local/sqlite-job-queue.ts', import.meta.url).href;

/** Runs an ES module script in a fresh Node process (types stripped) and returns its JSON output. */
function runNode(script: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

describe('SQLite state shared by processes', () => {
  it('gives every appended history entry its own id and the lease to exactly one process', async () => {
    const path = join(dataDir, 'state.db');
    (await SqliteStateStore.open(path)).close();
    const worker = (owner: string): string => `
      const { SqliteStateStore } = await import(${JSON.stringify(storeUrl)});
      const store = await SqliteStateStore.open(${JSON.stringify(path)});
      const leased = await store.acquireLease('prod', ${JSON.stringify(owner)}, 600000, Date.now());
      const ids = [];
      for (let i = 0; i < 25; i++) {
        const entry = await store.appendHistory({ env: 'prod', app: 'web', revision: ${JSON.stringify(owner)} + i,
          initiator: 'push', startedAt: '', finishedAt: '', phase: 'Succeeded', message: '', health: { status: 'Healthy' },
          resources: [] }, 1000);
        ids.push(entry.id);
      }
      store.close();
      console.log(JSON.stringify({ leased, ids }));`;

    const results = (await Promise.all(
      ['a', 'b', 'c', 'd'].map((owner) => runNode(worker(owner))),
    )) as Array<{
      leased: boolean;
      ids: number[];
    }>;

    const ids = results.flatMap((r) => r.ids).sort((x, y) => x - y);
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(results.filter((r) => r.leased)).toHaveLength(1);
    const store = await SqliteStateStore.open(path);
    expect(await store.listHistory('prod', 'web')).toHaveLength(100);
    store.close();
  });

  it('hands each queued job to exactly one of several consumers', async () => {
    const path = join(dataDir, 'queue.db');
    const queue = await SqliteJobQueue.open(path);
    for (let i = 0; i < 60; i++) {
      await queue.send({
        id: `job-${i}`,
        repo: 'acme/gitops',
        env: i % 2 === 0 ? 'dev' : 'prod',
        revision: `sha-${i}`,
        changedPaths: 'all',
        reason: 'push',
        enqueuedAt: '',
      });
    }
    queue.close();
    const consumer = `
      const { SqliteJobQueue } = await import(${JSON.stringify(queueUrl)});
      const queue = await SqliteJobQueue.open(${JSON.stringify(path)});
      const claimed = [];
      for (let idle = 0; idle < 50; ) {
        const env = queue.pendingEnvs()[0];
        const job = env === undefined ? undefined : queue.claimNext(env);
        if (job === undefined) { idle++; await new Promise((r) => setTimeout(r, 5)); continue; }
        idle = 0;
        claimed.push(job.id);
        queue.complete(job.id);
      }
      queue.close();
      console.log(JSON.stringify(claimed));`;

    const claimed = (await Promise.all([
      runNode(consumer),
      runNode(consumer),
      runNode(consumer),
    ])) as string[][];

    const all = claimed.flat();
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
    for (const list of claimed) {
      const dev = list.filter((id) => Number(id.slice(4)) % 2 === 0).map((id) => Number(id.slice(4)));
      expect(dev).toEqual([...dev].sort((x, y) => x - y));
    }
  });
});
