import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../adapters/local/memory-state-store.ts';
import type { AppSpec } from '../../../engine/app-spec.ts';
import type { KubeObject } from '../../../engine/model.ts';
import type { SyncOperation } from '../../../engine/operation.ts';
import { loadOperation, syncInputsHash } from '../../../engine/sync/load-operation.ts';
import type { SyncContext } from '../../../engine/sync/sync-context.ts';

const cm = (value: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web-config' },
  data: { value },
});
const app = (healthTimeoutSeconds = 60, namespace = 'web') =>
  ({
    name: 'web',
    namespace,
    env: { name: 'dev' },
    syncPolicy: { healthTimeoutSeconds, syncOptions: { prune: true } },
  }) as unknown as AppSpec;
const NOW = new Date('2026-12-04T19:00:00.000Z');
const noLog = { debug() {}, info() {}, warn() {}, error() {} };

function context(state: MemoryStateStore, revision: string, over: Partial<SyncContext> = {}): SyncContext {
  return {
    app: app(),
    revision,
    initiator: 'push',
    request: { prune: true, dryRun: false, force: false },
    cluster: {} as SyncContext['cluster'],
    state,
    clock: { now: () => NOW, sleep: async () => {} },
    log: noLog,
    historyLimit: 10,
    pollIntervalMs: 10,
    concurrency: 1,
    ...over,
  };
}

/** An operation of revision aaa waiting at its first group since 18:55. */
async function waiting(state: MemoryStateStore, rendered: KubeObject[]): Promise<SyncOperation> {
  const op: SyncOperation = {
    env: 'dev',
    app: 'web',
    revision: 'aaa',
    initiator: 'push',
    startedAt: '2026-12-04T18:55:00.000Z',
    phase: 'Running',
    stage: 'wait',
    groupIndex: 0,
    groupAppliedAt: '2026-12-04T18:55:01.000Z',
    results: [{ key: '/ConfigMap/web/web-config', outcome: 'created' }],
    message: 'Sync wave 0: still waiting',
    options: { prune: true, dryRun: false, force: false },
    inputsHash: syncInputsHash({ app: app() }, rendered),
  };
  await state.putOperation(op);
  return op;
}

describe('syncInputsHash: what a sync of the app applies', () => {
  it('is the same for the same objects and policy, different when either changes', () => {
    const a = syncInputsHash({ app: app() }, [cm('1')]);
    expect(syncInputsHash({ app: app() }, [structuredClone(cm('1'))])).toBe(a);
    expect(syncInputsHash({ app: app() }, [cm('2')])).not.toBe(a);
    expect(syncInputsHash({ app: app(120) }, [cm('1')])).not.toBe(a);
    expect(syncInputsHash({ app: app(60, 'other') }, [cm('1')])).not.toBe(a);
  });
});

describe('loadOperation: continue or start a sync', () => {
  it('continues the running operation of the same revision', async () => {
    const state = new MemoryStateStore();
    const saved = await waiting(state, [cm('1')]);
    expect(await loadOperation(context(state, 'aaa'), [cm('2')])).toEqual(saved);
  });

  it('continues the operation of an earlier revision when the inputs are the same: the wait keeps its start', async () => {
    const state = new MemoryStateStore();
    const saved = await waiting(state, [cm('1')]);
    const op = await loadOperation(context(state, 'bbb'), [cm('1')]);
    expect(op).toEqual(saved);
    expect(op.groupAppliedAt).toBe('2026-12-04T18:55:01.000Z');
  });

  it('starts anew at a revision whose inputs changed, and for a dry run', async () => {
    const state = new MemoryStateStore();
    await waiting(state, [cm('1')]);
    const changed = await loadOperation(context(state, 'bbb'), [cm('2')]);
    expect(changed).toMatchObject({ revision: 'bbb', stage: 'apply', groupIndex: 0, results: [] });
    expect(changed.startedAt).toBe(NOW.toISOString());
    expect(changed.inputsHash).toBe(syncInputsHash({ app: app() }, [cm('2')]));
    const dry = await loadOperation(
      context(state, 'bbb', { request: { prune: true, dryRun: true, force: false } }),
      [cm('1')],
    );
    expect(dry).toMatchObject({ revision: 'bbb', stage: 'apply', groupIndex: 0 });
  });

  it('starts anew when the saved operation is no longer running', async () => {
    const state = new MemoryStateStore();
    const saved = await waiting(state, [cm('1')]);
    await state.putOperation({ ...saved, phase: 'Failed' });
    expect(await loadOperation(context(state, 'bbb'), [cm('1')])).toMatchObject({
      revision: 'bbb',
      stage: 'apply',
    });
  });
});
