import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../engine/model.ts';
import { keyOf } from '../../../engine/object-key.ts';
import type { SyncPlan, TaskResult } from '../../../engine/operation.ts';
import type { Cluster } from '../../../engine/ports.ts';
import {
  appliedRecords,
  recordingApplies,
  unchangedSinceApplied,
} from '../../../engine/sync/applied-records.ts';
import { desiredHash } from '../../../engine/sync/desired-hash.ts';

const cm = (data: Record<string, string>, meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app-config', namespace: 'web', ...meta },
  data,
});

describe('desiredHash', () => {
  it('is the same for an equal object, different for any change to it', () => {
    const a = cm({ a: '1', b: '2' });
    expect(desiredHash(structuredClone(a))).toBe(desiredHash(a));
    expect(desiredHash(cm({ a: '1', b: '3' }))).not.toBe(desiredHash(a));
    expect(desiredHash(cm({ a: '1', b: '2' }, { labels: { x: 'y' } }))).not.toBe(desiredHash(a));
  });

  it('tells an array order change and a type change apart', () => {
    const list = (items: unknown[]): KubeObject => ({ ...cm({}), spec: { items } });
    expect(desiredHash(list([1, 2]))).not.toBe(desiredHash(list([2, 1])));
    expect(desiredHash(list(['1']))).not.toBe(desiredHash(list([1])));
  });
});

describe('unchangedSinceApplied', () => {
  const desired = cm({ a: '1' });
  const live = cm({ a: '1' }, { resourceVersion: '42', uid: 'u1' });
  const record = { hash: desiredHash(desired), resourceVersion: '42', uid: 'u1' };

  it('holds only when hash, resourceVersion and uid all match', () => {
    expect(unchangedSinceApplied(desired, live, record)).toBe(true);
    expect(unchangedSinceApplied(desired, live, undefined)).toBe(false);
    expect(unchangedSinceApplied(cm({ a: '2' }), live, record)).toBe(false);
    expect(
      unchangedSinceApplied(
        desired,
        { ...live, metadata: { ...live.metadata, resourceVersion: '43' } },
        record,
      ),
    ).toBe(false);
    expect(
      unchangedSinceApplied(desired, { ...live, metadata: { ...live.metadata, uid: 'u2' } }, record),
    ).toBe(false);
    expect(
      unchangedSinceApplied(
        desired,
        { ...live, metadata: { ...live.metadata, resourceVersion: undefined } },
        record,
      ),
    ).toBe(false);
  });
});

describe('appliedRecords', () => {
  const created = cm({ a: '1' });
  const same = cm({ b: '1' }, { name: 'same' });
  const failed = cm({ c: '1' }, { name: 'failed' });
  const task = (obj: KubeObject, live?: KubeObject) => ({
    key: keyOf(obj),
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    wave: 0,
    phase: 'Sync' as const,
    action: live ? ('unchanged' as const) : ('create' as const),
    reason: '',
    desired: obj,
    live,
  });
  const plan: SyncPlan = {
    env: 'dev',
    app: 'web',
    revision: 'r1',
    tasks: [
      task(created),
      task(same, { ...same, metadata: { ...same.metadata, resourceVersion: '7' } }),
      task(failed),
    ],
  };
  const results = new Map<string, TaskResult>([
    [keyOf(created), { key: keyOf(created), outcome: 'created' }],
    [keyOf(same), { key: keyOf(same), outcome: 'unchanged' }],
    [keyOf(failed), { key: keyOf(failed), outcome: 'failed', message: 'no' }],
  ]);
  const applied = new Map([
    [keyOf(created), { ...created, metadata: { ...created.metadata, resourceVersion: '9', uid: 'u9' } }],
  ]);

  it('records the apply answer for written objects and the compared live object for unchanged ones', () => {
    expect(appliedRecords({ phase: 'Succeeded', plan, results, applied })).toEqual({
      [keyOf(created)]: { hash: desiredHash(created), resourceVersion: '9', uid: 'u9' },
      [keyOf(same)]: { hash: desiredHash(same), resourceVersion: '7', uid: undefined },
    });
  });

  it('leaves no records after a sync that did not succeed', () => {
    expect(appliedRecords({ phase: 'Failed', plan, results, applied })).toBeUndefined();
  });
});

describe('recordingApplies', () => {
  it('keeps real applies only, and passes every call through', async () => {
    const calls: string[] = [];
    const inner = {
      apply: async (obj: KubeObject, opts: { dryRun: boolean }) => {
        calls.push(`apply ${opts.dryRun}`);
        return { ...obj, metadata: { ...obj.metadata, resourceVersion: opts.dryRun ? '0' : '5' } };
      },
      get: async () => {
        calls.push('get');
        return undefined;
      },
    } as unknown as Cluster;
    const { cluster, applied } = recordingApplies(inner);
    const obj = cm({ a: '1' });
    await cluster.apply(obj, { dryRun: true, force: false });
    expect(applied.size).toBe(0);
    await cluster.apply(obj, { dryRun: false, force: false });
    await cluster.get('v1', 'ConfigMap', 'x', 'web');
    expect(applied.get(keyOf(obj))?.metadata.resourceVersion).toBe('5');
    expect(calls).toEqual(['apply true', 'apply false', 'get']);
  });
});
