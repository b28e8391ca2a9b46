/**
 * The behaviour every StateStore must have, as one vitest suite: run it for the memory and
 * SQLite stores, and for DynamoDB. Each test uses its own environment names, so a store
 * shared between tests (one DynamoDB table) works too.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../engine/history.ts';
import type { KubeObject } from '../../engine/model.ts';
import type { SyncOperation } from '../../engine/operation.ts';
import type { StateStore } from '../../engine/ports.ts';
import type { AppState, EnvironmentState } from '../../engine/state.ts';
import { updateAppState } from '../../engine/update-app-state.ts';

export interface StateStoreContractOptions {
  /** Called after each test with the store it made. */
  close?: (store: StateStore) => Promise<void> | void;
}

export function describeStateStoreContract(
  name: string,
  makeStore: () => Promise<StateStore> | StateStore,
  options: StateStoreContractOptions = {},
): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    let env: string;

    beforeEach(async () => {
      store = await makeStore();
      env = `env-${randomUUID().slice(0, 8)}`;
    });

    afterEach(async () => {
      await options.close?.(store);
    });

    describe('apps', () => {
      it('returns undefined for an app never stored', async () => {
        expect(await store.getApp(env, 'nothing')).toBeUndefined();
      });

      it('returns what was put, with a version bumped by every write', async () => {
        expect(await store.putApp(appState(env, 'web', { revision: 'a1' }))).toBe(true);
        expect(await store.getApp(env, 'web')).toEqual(appState(env, 'web', { revision: 'a1', version: 1 }));
        const next = appState(env, 'web', { revision: 'b2', automationPaused: true, version: 1 });
        expect(await store.putApp(next)).toBe(true);

        expect(await store.getApp(env, 'web')).toEqual({ ...next, version: 2 });
      });

      it('compare-and-set: a write over a version that is no longer stored is refused and changes nothing', async () => {
        await store.putApp(appState(env, 'web'));
        const read = (await store.getApp(env, 'web'))!;
        // A sync finishes in between: its inventory is the newest.
        const synced = {
          ...read,
          inventory: [...read.inventory, { apiVersion: 'v1', kind: 'ConfigMap', name: 'new' }],
        };
        expect(await store.putApp(synced)).toBe(true);
        // A drift pass writes its stale copy: refused.
        expect(await store.putApp({ ...read, syncStatus: 'OutOfSync' })).toBe(false);
        // A second creator of an app that exists already: refused too.
        expect(await store.putApp(appState(env, 'web'))).toBe(false);
        expect(await store.getApp(env, 'web')).toEqual({ ...synced, version: 2 });
      });

      it('updateAppState redoes a change on what a concurrent writer left: no write is lost', async () => {
        await store.putApp(appState(env, 'web'));
        let raced = false;
        // The first read returns a copy that a sync overwrites right after it was read.
        const racing = new Proxy(store, {
          get(target, prop, receiver) {
            if (prop !== 'getApp') {
              const value = Reflect.get(target, prop, receiver);
              return typeof value === 'function' ? value.bind(target) : value;
            }
            return async (e: string, a: string) => {
              const read = await target.getApp(e, a);
              if (!raced && read) {
                raced = true;
                expect(await target.putApp({ ...read, inventory: [], revision: 'sync' })).toBe(true);
              }
              return read;
            };
          },
        });
        const stored = await updateAppState(racing, { env, app: 'web' }, (current) => ({
          ...current!,
          syncStatus: 'OutOfSync',
        }));
        expect(raced).toBe(true);
        const now = await store.getApp(env, 'web');
        expect(now).toEqual(stored);
        expect(now).toMatchObject({ syncStatus: 'OutOfSync', revision: 'sync', inventory: [], version: 3 });
      });

      it('lists the apps of one environment sorted by name, or of all environments', async () => {
        const other = `${env}-other`;
        await store.putApp(appState(env, 'web'));
        await store.putApp(appState(env, 'api'));
        await store.putApp(appState(other, 'db'));

        expect((await store.listApps(env)).map((a) => a.app)).toEqual(['api', 'web']);
        const all = (await store.listApps()).filter((a) => a.env === env || a.env === other);
        expect(all.map((a) => `${a.env}/${a.app}`).sort()).toEqual(
          [`${env}/api`, `${env}/web`, `${other}/db`].sort(),
        );
      });

      it('keeps its own copy: changing an object after put or get does not change the store', async () => {
        const state = appState(env, 'web');
        await store.putApp(state);
        state.syncStatus = 'OutOfSync';
        const read = await store.getApp(env, 'web');
        read!.inventory.push({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'y' });

        expect(await store.getApp(env, 'web')).toEqual(appState(env, 'web', { version: 1 }));
      });
    });

    describe('environments', () => {
      it('round-trips environment state', async () => {
        expect(await store.getEnvironment(env)).toBeUndefined();
        const state: EnvironmentState = { env, lastRevision: 'abc', lastJobId: 'd-1', updatedAt: NOW };
        await store.putEnvironment(state);
        await store.putEnvironment({ ...state, lastRevision: 'def' });

        expect(await store.getEnvironment(env)).toEqual({ ...state, lastRevision: 'def' });
      });
    });

    describe('history', () => {
      it('assigns increasing ids per app and lists newest first', async () => {
        const first = await store.appendHistory(historyEntry(env, 'web', 'r1'), 10);
        const second = await store.appendHistory(historyEntry(env, 'web', 'r2'), 10);
        const otherApp = await store.appendHistory(historyEntry(env, 'api', 'r1'), 10);

        expect(first.id).toBeGreaterThanOrEqual(1);
        expect(second.id).toBeGreaterThan(first.id);
        expect(otherApp.id).toBe(first.id);
        expect(second).toEqual({ ...historyEntry(env, 'web', 'r2'), id: second.id });
        const listed = await store.listHistory(env, 'web');
        expect(listed.map((h) => h.revision)).toEqual(['r2', 'r1']);
        expect(listed[0]).toEqual(second);
      });

      it('keeps only the newest `keep` entries, and ids keep increasing after trimming', async () => {
        const ids: number[] = [];
        for (const revision of ['r1', 'r2', 'r3', 'r4', 'r5']) {
          ids.push((await store.appendHistory(historyEntry(env, 'web', revision), 3)).id);
        }

        const listed = await store.listHistory(env, 'web');
        expect(listed.map((h) => h.revision)).toEqual(['r5', 'r4', 'r3']);
        expect(listed.map((h) => h.id)).toEqual([ids[4], ids[3], ids[2]]);
        expect([...ids].sort((a, b) => a - b)).toEqual(ids);
        expect(new Set(ids).size).toBe(5);
      });

      it('always keeps the entry just added, even with keep below 1', async () => {
        await store.appendHistory(historyEntry(env, 'web', 'r1'), 0);
        const last = await store.appendHistory(historyEntry(env, 'web', 'r2'), 0);

        expect(await store.listHistory(env, 'web')).toEqual([last]);
      });

      it('honours the limit and returns nothing for an app without history', async () => {
        for (const revision of ['r1', 'r2', 'r3'])
          await store.appendHistory(historyEntry(env, 'web', revision), 10);

        expect((await store.listHistory(env, 'web', 2)).map((h) => h.revision)).toEqual(['r3', 'r2']);
        expect(await store.listHistory(env, 'none')).toEqual([]);
      });
    });

    describe('operations', () => {
      it('stores, replaces and deletes the in-flight operation of an app', async () => {
        expect(await store.getOperation(env, 'web')).toBeUndefined();
        await store.putOperation(operation(env, 'web', 0));
        await store.putOperation(operation(env, 'web', 2));

        expect(await store.getOperation(env, 'web')).toEqual(operation(env, 'web', 2));
        await store.deleteOperation(env, 'web');
        expect(await store.getOperation(env, 'web')).toBeUndefined();
        await store.deleteOperation(env, 'web');
      });
    });

    describe('desired state', () => {
      it('round-trips the rendered objects of a revision exactly, per revision', async () => {
        const objects = manyObjects(300);
        await store.putDesired(env, 'web', 'r1', objects);
        await store.putDesired(env, 'web', 'r2', objects.slice(0, 1));

        expect(await store.getDesired(env, 'web', 'r1')).toEqual(objects);
        expect(await store.getDesired(env, 'web', 'r2')).toEqual(objects.slice(0, 1));
        expect(await store.getDesired(env, 'web', 'r3')).toBeUndefined();
        expect(await store.getDesired(env, 'api', 'r1')).toBeUndefined();
      });

      it('replaces the objects stored for the same revision', async () => {
        await store.putDesired(env, 'web', 'r1', manyObjects(2));
        await store.putDesired(env, 'web', 'r1', []);

        expect(await store.getDesired(env, 'web', 'r1')).toEqual([]);
      });
    });

    describe('leases', () => {
      it('grants a free lease and refuses another owner until it expires', async () => {
        expect(await store.acquireLease(env, 'worker-a', 60_000, 1_000)).toBe(true);
        expect(await store.acquireLease(env, 'worker-b', 60_000, 2_000)).toBe(false);
        expect(await store.acquireLease(env, 'worker-b', 60_000, 61_000)).toBe(true);
        expect(await store.acquireLease(env, 'worker-a', 60_000, 62_000)).toBe(false);
      });

      it('lets the holder renew, which moves the expiry', async () => {
        expect(await store.acquireLease(env, 'worker-a', 10_000, 0)).toBe(true);
        expect(await store.acquireLease(env, 'worker-a', 10_000, 9_000)).toBe(true);

        expect(await store.acquireLease(env, 'worker-b', 10_000, 15_000)).toBe(false);
        expect(await store.acquireLease(env, 'worker-b', 10_000, 19_000)).toBe(true);
      });

      it('is released only by its owner', async () => {
        await store.acquireLease(env, 'worker-a', 60_000, 0);
        await store.releaseLease(env, 'worker-b');
        expect(await store.acquireLease(env, 'worker-b', 60_000, 1)).toBe(false);

        await store.releaseLease(env, 'worker-a');
        expect(await store.acquireLease(env, 'worker-b', 60_000, 2)).toBe(true);
      });

      it('leases environments independently', async () => {
        expect(await store.acquireLease(env, 'worker-a', 60_000, 0)).toBe(true);
        expect(await store.acquireLease(`${env}-other`, 'worker-b', 60_000, 0)).toBe(true);
      });
    });

    describe('jobs done', () => {
      it('records a job once: true the first time, false after', async () => {
        if (store.markJobDone === undefined) return;
        const id = `delivery-${env}`;

        expect(await store.markJobDone(id, 1_000)).toBe(true);
        expect(await store.markJobDone(id, 2_000)).toBe(false);
        expect(await store.markJobDone(`${id}-2`, 2_000)).toBe(true);
      });
    });
  });
}

const NOW = '2026-11-27T10:00:00.000Z';

function appState(env: string, app: string, extra: Partial<AppState> = {}): AppState {
  return {
    env,
    app,
    syncStatus: 'Synced',
    health: { status: 'Healthy' },
    resources: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: app,
        name: app,
        wave: 0,
        syncStatus: 'Synced',
        health: { status: 'Healthy' },
        outcome: 'configured',
      },
    ],
    inventory: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: app, name: app }],
    wave: 1,
    path: `apps/${app}`,
    namespace: app,
    updatedAt: NOW,
    ...extra,
  };
}

function historyEntry(env: string, app: string, revision: string): Omit<HistoryEntry, 'id'> {
  return {
    env,
    app,
    revision,
    initiator: 'push',
    deliveryId: `d-${revision}`,
    startedAt: NOW,
    finishedAt: NOW,
    phase: 'Succeeded',
    message: `synced ${revision}`,
    health: { status: 'Healthy' },
    resources: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: app,
        name: 'settings',
        wave: 0,
        phase: 'Sync',
        action: 'update',
        outcome: 'configured',
      },
    ],
  };
}

function operation(env: string, app: string, groupIndex: number): SyncOperation {
  return {
    env,
    app,
    revision: 'r1',
    initiator: 'manual',
    startedAt: NOW,
    phase: 'Running',
    stage: 'wait',
    groupIndex,
    groupAppliedAt: NOW,
    results: [{ key: `/ConfigMap/${app}/settings`, outcome: 'configured' }],
    message: 'waiting for wave 1 to become healthy',
    options: { prune: true, dryRun: false, force: false },
  };
}

function manyObjects(count: number): KubeObject[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `settings-${i}`, namespace: 'web', labels: { 'app.kubernetes.io/name': 'web' } },
    data: { index: String(i), text: 'ünïcødé ✓ '.repeat(5) },
    extra: { port: i % 2 === 0 ? 8080 : 'http', nested: [null, true, 1.5] },
  }));
}
