import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../engine/index.ts';
import { type ClusterCalls, countingCluster } from '../support/counting-cluster.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

const APPS = ['database', 'backend', 'frontend'];

describe('no-op fast path against the real control plane', () => {
  let t: EngineEnv;
  let calls: ClusterCalls;
  let reset: () => void;
  let firstCalls: ClusterCalls;

  const resync = async () => {
    reset();
    const result = await t.run({ reason: 'manual', apps: APPS });
    expect(result.outcome, result.message).toBe('succeeded');
    return result;
  };

  const deployment = async (): Promise<KubeObject> => {
    const live = await t.cluster.get('apps/v1', 'Deployment', 'frontend', t.ns('frontend'));
    if (!live) throw new Error('frontend Deployment missing');
    return live;
  };

  beforeAll(async () => {
    t = await engineEnv('noop');
    const counting = countingCluster(t.cluster);
    calls = counting.calls;
    reset = counting.reset;
    t.deps.clusterFor = async () => counting.cluster;
    const first = await t.push('first deploy');
    expect(first.outcome, first.message).toBe('succeeded');
    firstCalls = { ...calls };
  });

  it('the first sync into namespaces it creates sends no dry run (each would only fail NotFound)', () => {
    expect(firstCalls.dryRuns).toEqual([]);
    expect(firstCalls.writes.filter((w) => w.startsWith('Namespace/'))).toHaveLength(APPS.length);
  });

  it('a re-sync of unchanged apps writes nothing, and once controllers settle dry-runs nothing', async () => {
    const objects = (await t.state.listApps(t.env)).reduce((n, a) => n + a.inventory.length, 0);
    expect(objects).toBeGreaterThan(5);
    // Controllers still write status after the first sync (each write is a new resourceVersion,
    // so those objects are dry-run again); every re-sync writes nothing, and they settle.
    let dryRuns = objects;
    for (let i = 0; i < 20 && dryRuns > 0; i++) {
      const result = await resync();
      expect(calls.writes).toEqual([]);
      expect(result.apps.flatMap((a) => a.resources).every((r) => r.outcome === 'unchanged')).toBe(true);
      dryRuns = calls.dryRuns.length;
      if (dryRuns > 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(calls.dryRuns).toEqual([]);
    // Reads are LISTs per kind and namespace (and health looks), far below one per object per pass.
    expect(calls.reads).toBeLessThan(objects * 4);
  });

  it('a kubectl scale changes the resourceVersion: the Deployment is dry-run again and healed', async () => {
    const ns = t.ns('frontend');
    const before = (await deployment()).spec as { replicas: number };
    await t.cluster.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'frontend', namespace: ns },
        spec: { replicas: 5 },
      },
      { dryRun: false, force: true, fieldManager: 'kubectl-scale' },
    );
    const result = await resync();
    const frontend = result.apps.find((a) => a.app === 'frontend');
    expect(frontend?.resources.find((r) => r.kind === 'Deployment')?.outcome).toBe('configured');
    expect(calls.writes).toEqual([`Deployment/${ns}/frontend`]);
    expect(calls.dryRuns).toContain(`Deployment/${ns}/frontend`);
    expect((await deployment()).spec).toMatchObject({ replicas: before.replicas });
  });

  it('a changed manifest changes the hash: that object alone is dry-run and written', async () => {
    const file = join(t.repo.dir, 'apps/frontend/values.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('tag: "2.0.0"', 'tag: "2.0.1"'));
    reset();
    const result = await t.push('frontend 2.0.1');
    expect(result.outcome, result.message).toBe('succeeded');
    const ns = t.ns('frontend');
    expect(calls.writes).toEqual([`Deployment/${ns}/frontend`]);
    const containers = (
      (await deployment()).spec as { template: { spec: { containers: Array<{ image: string }> } } }
    ).template.spec.containers;
    expect(containers[0]?.image).toBe('ghcr.io/example/frontend:2.0.1');
  });
});
