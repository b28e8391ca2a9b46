import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteJobQueue } from '../../../../adapters/local/sqlite-job-queue.ts';
import type { Job } from '../../../../engine/ports.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'syncwave-queue-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

let files = 0;
const newPath = (): string => join(dataDir, `queue-${files++}.db`);

function job(id: string, env = 'dev'): Job {
  return {
    id,
    repo: 'acme/gitops',
    env,
    revision: `sha-${id}`,
    changedPaths: ['apps/web/deployment.yaml'],
    reason: 'push',
    enqueuedAt: '2026-11-27T10:00:00.000Z',
  };
}

describe('SqliteJobQueue', () => {
  it('delivers the jobs of an environment in order, one at a time', async () => {
    const queue = await SqliteJobQueue.open(newPath());
    await queue.send(job('a'));
    await queue.send(job('b'));

    expect(queue.claimNext('dev')).toEqual(job('a'));
    expect(queue.claimNext('dev')).toBeUndefined();
    queue.complete('a');
    expect(queue.claimNext('dev')).toEqual(job('b'));
    queue.complete('b');
    expect(queue.claimNext('dev')).toBeUndefined();
    queue.close();
  });

  it('ignores a job id sent twice, also after it is done', async () => {
    const queue = await SqliteJobQueue.open(newPath());
    await queue.send(job('a'));
    await queue.send({ ...job('a'), revision: 'other' });

    expect(queue.claimNext('dev')).toEqual(job('a'));
    queue.complete('a');
    await queue.send(job('a'));
    expect(queue.claimNext('dev')).toBeUndefined();
    expect(queue.state('a')).toBe('done');
    expect(queue.state('never')).toBeUndefined();
    queue.close();
  });

  it('keeps environments independent and lists those waiting, longest first', async () => {
    const queue = await SqliteJobQueue.open(newPath());
    await queue.send(job('p1', 'prod'));
    await queue.send(job('d1', 'dev'));
    await queue.send(job('p2', 'prod'));

    expect(queue.pendingEnvs()).toEqual(['prod', 'dev']);
    expect(queue.claimNext('prod')?.id).toBe('p1');
    expect(queue.claimNext('dev')?.id).toBe('d1');
    expect(queue.pendingEnvs()).toEqual(['prod']);
    queue.close();
  });

  it('survives a restart: a job running at the crash is delivered again, each job once, in order', async () => {
    // Prepare
    const path = newPath();
    const before = await SqliteJobQueue.open(path);
    await before.send(job('first'));
    await before.send(job('second'));
    expect(before.claimNext('dev')?.id).toBe('first');
    before.close();

    // Act
    const after = await SqliteJobQueue.open(path);
    const requeued = after.requeueRunning();
    const delivered: string[] = [];
    for (let next = after.claimNext('dev'); next !== undefined; next = after.claimNext('dev')) {
      delivered.push(next.id);
      after.complete(next.id);
    }

    // Assess
    expect(requeued).toBe(1);
    expect(delivered).toEqual(['first', 'second']);
    expect(after.pendingEnvs()).toEqual([]);
    after.close();
  });

  it('shares a file with the state store', async () => {
    const { SqliteStateStore } = await import('../../../../adapters/local/sqlite-state-store.ts');
    const path = newPath();
    const store = await SqliteStateStore.open(path);
    const queue = await SqliteJobQueue.open(path);
    await queue.send(job('a'));

    expect(await store.markJobDone('a', 0)).toBe(true);
    expect(queue.claimNext('dev')?.id).toBe('a');
    queue.close();
    store.close();
  });
});
