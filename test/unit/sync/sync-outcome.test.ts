import { describe, expect, it } from 'vitest';
import type { PlanAction } from '../../../engine/model.ts';
import type { SyncPlan, SyncTask, TaskResult } from '../../../engine/operation.ts';
import { summarizeSync, syncOutcome } from '../../../engine/sync/sync-outcome.ts';

const task = (name: string, action: PlanAction): SyncTask => ({
  key: `/ConfigMap/web/${name}`,
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace: 'web',
  name,
  wave: 0,
  phase: 'Sync',
  action,
  reason: '',
});
const plan = (...tasks: SyncTask[]): SyncPlan => ({ env: 'dev', app: 'web', revision: 'abc', tasks });
const results = (...rs: TaskResult[]) => new Map(rs.map((r) => [r.key, r]));

describe('summarizeSync: what a successful sync did, counted', () => {
  it('counts each outcome over the plan, in the order first seen', () => {
    const p = plan(task('a', 'create'), task('b', 'update'), task('c', 'update'), task('d', 'unchanged'));
    const r = results(
      { key: '/ConfigMap/web/a', outcome: 'created' },
      { key: '/ConfigMap/web/b', outcome: 'configured' },
      { key: '/ConfigMap/web/c', outcome: 'configured' },
      { key: '/ConfigMap/web/d', outcome: 'unchanged' },
    );
    expect(summarizeSync(p, r)).toBe('successfully synced (1 created, 2 configured, 1 unchanged)');
  });

  it('counts a task without a result as skipped', () => {
    expect(summarizeSync(plan(task('a', 'prune')), results())).toBe('successfully synced (1 skipped)');
  });

  it('says so when the plan is empty', () => {
    expect(summarizeSync(plan(), results())).toBe('successfully synced (no objects)');
  });
});

describe('syncOutcome: how a sync that applied every group ends', () => {
  it('succeeds with the summary when no task failed', () => {
    const p = plan(task('a', 'prune'), task('b', 'keep'));
    const r = results(
      { key: '/ConfigMap/web/a', outcome: 'pruned' },
      { key: '/ConfigMap/web/b', outcome: 'kept', message: 'Prune=false' },
    );
    expect(syncOutcome(p, r)).toEqual({
      phase: 'Succeeded',
      message: 'successfully synced (1 pruned, 1 kept)',
    });
  });

  it('fails with every failed task message when a prune failed', () => {
    const p = plan(task('a', 'prune'), task('b', 'prune'), task('c', 'create'));
    const r = results(
      { key: '/ConfigMap/web/a', outcome: 'failed', message: 'ConfigMap/web/a: prune failed: forbidden' },
      { key: '/ConfigMap/web/b', outcome: 'failed', message: 'ConfigMap/web/b: prune failed: timeout' },
      { key: '/ConfigMap/web/c', outcome: 'created' },
    );
    expect(syncOutcome(p, r)).toEqual({
      phase: 'Failed',
      message: 'ConfigMap/web/a: prune failed: forbidden; ConfigMap/web/b: prune failed: timeout',
    });
  });
});
