// Drift against the real control plane: the drift check compares as a sync does (one
// normalisation, the app's ignoreDifferences), so a field another controller owns by design
// (an HPA's replica count) never causes a self-heal loop.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDrift, type Environment, loadRepoConfig } from '../../engine/index.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

async function environment(t: EngineEnv): Promise<Environment> {
  const checkout = await t.deps.source.checkout(await t.repo.head());
  const loaded = await loadRepoConfig(checkout.dir);
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const env = loaded.config.environment(t.env);
  if (!env) throw new Error(`no environment ${t.env}`);
  return env;
}

describe('drift compares as a sync does', () => {
  let t: EngineEnv;

  beforeAll(async () => {
    t = await engineEnv('drift');
    const file = join(t.repo.dir, 'syncwave.yaml');
    const config = await readFile(file, 'utf8');
    await writeFile(
      file,
      config.replace(
        '    path: apps/frontend\n',
        '    path: apps/frontend\n    ignoreDifferences: [{ group: apps, kind: Deployment, jsonPointers: [/spec/replicas] }]\n',
      ),
    );
    expect(await readFile(file, 'utf8')).toContain('jsonPointers: [/spec/replicas]');
    // database: drift is reported (OutOfSync), not healed, so a drift pass writes its state.
    await writeFile(file, (await readFile(file, 'utf8')).replace('selfHeal: true', 'selfHeal: false'));
    const first = await t.push('frontend replicas belong to an HPA');
    expect(first.outcome, first.message).toBe('succeeded');
  });

  it('an HPA-style ignored field: no drift, no self-heal job, no empty sync', async () => {
    const ns = t.ns('frontend');
    // What an HPA does: another field manager owns spec.replicas.
    await t.cluster.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'frontend', namespace: ns },
        spec: { replicas: 3 },
      },
      { dryRun: false, force: true, fieldManager: 'horizontal-pod-autoscaler' },
    );
    const env = await environment(t);
    const history = (await t.state.listHistory(t.env, 'frontend')).length;
    for (let round = 0; round < 3; round++) {
      const report = await checkDrift(env, t.deps, { repo: 'example/gitops' });
      expect(report.drifted).toEqual([]);
      expect(report.jobs).toEqual([]);
    }
    expect((await t.state.getApp(t.env, 'frontend'))?.syncStatus).toBe('Synced');
    expect(await t.state.listHistory(t.env, 'frontend')).toHaveLength(history);
    const live = await t.cluster.get('apps/v1', 'Deployment', 'frontend', ns);
    expect((live?.spec as { replicas?: number } | undefined)?.replicas).toBe(3);
  });

  it('a field that is not ignored is still drift and is healed', async () => {
    const ns = t.ns('backend');
    await t.cluster.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'backend', namespace: ns },
        spec: { replicas: 5 },
      },
      { dryRun: false, force: true, fieldManager: 'kubectl-scale' },
    );
    const report = await checkDrift(await environment(t), t.deps, { repo: 'example/gitops' });
    expect(report.drifted).toEqual([
      { app: 'backend', objects: [expect.objectContaining({ paths: ['spec.replicas'] })] },
    ]);
    expect(report.jobs).toEqual([expect.objectContaining({ reason: 'self-heal', apps: ['backend'] })]);
    const [job] = report.jobs;
    if (!job) throw new Error('no self-heal job');
    const healed = await t.run(job);
    expect(healed.outcome, healed.message).toBe('succeeded');
    const live = await t.cluster.get('apps/v1', 'Deployment', 'backend', ns);
    expect((live?.spec as { replicas?: number } | undefined)?.replicas).toBe(2);
    expect((await checkDrift(await environment(t), t.deps, { repo: 'example/gitops' })).jobs).toEqual([]);
  });

  it("a drift pass and a sync at once: the sync's inventory is intact, and a later prune finds it", async () => {
    const ns = t.ns('database');
    // Drift on database (selfHeal off): a manual edit of its ConfigMap.
    await t.cluster.apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'postgres-config', namespace: ns },
        data: { POSTGRES_DB: 'edited' },
      },
      { dryRun: false, force: true, fieldManager: 'kubectl-edit' },
    );
    await t.repo.write(
      'apps/database/extra.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: "1"\n',
    );
    let sync: Awaited<ReturnType<EngineEnv['push']>> | undefined;
    // The drift pass reads the app states, then a sync adds an object to database before the
    // pass writes what it found.
    const racing = new Proxy(t.state, {
      get(target, prop, receiver) {
        if (prop !== 'listApps') {
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (env?: string) => {
          const listed = await target.listApps(env);
          if (!sync) sync = await t.push('database: one more ConfigMap');
          return listed;
        };
      },
    });
    await checkDrift(await environment(t), { ...t.deps, state: racing }, { repo: 'example/gitops' });
    expect(sync?.outcome, sync?.message).toBe('succeeded');
    const db = await t.state.getApp(t.env, 'database');
    expect(db?.inventory.map((e) => e.name)).toContain('extra');
    expect(db?.syncedRevision).toBe(await t.repo.head());
    await rm(join(t.repo.dir, 'apps/database/extra.yaml'));
    const pruned = await t.push('database: drop it again');
    expect(pruned.outcome, pruned.message).toBe('succeeded');
    expect(pruned.apps.find((a) => a.app === 'database')?.resources).toContainEqual(
      expect.objectContaining({ name: 'extra', outcome: 'pruned' }),
    );
    // Deleted (foreground propagation: gone once the garbage collector is done with it).
    const until = Date.now() + 20_000;
    let left = await t.cluster.get('v1', 'ConfigMap', 'extra', ns);
    while (left && !left.metadata.deletionTimestamp && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      left = await t.cluster.get('v1', 'ConfigMap', 'extra', ns);
    }
    expect(left === undefined || left.metadata.deletionTimestamp !== undefined).toBe(true);
  });
});
