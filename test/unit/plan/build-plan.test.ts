import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../engine/model.ts';
import { keyOf } from '../../../engine/object-key.ts';
import { applyGroups, buildPlan, type PlanInput } from '../../../engine/plan/build-plan.ts';
import { KIND_ORDER, kindRank } from '../../../engine/plan/kind-order.ts';

function obj(
  kind: string,
  name: string,
  opts: {
    apiVersion?: string;
    ns?: string;
    wave?: number;
    hook?: string;
    annotations?: Record<string, string>;
  } = {},
): KubeObject {
  const annotations: Record<string, string> = { ...opts.annotations };
  if (opts.wave !== undefined) annotations['argocd.argoproj.io/sync-wave'] = String(opts.wave);
  if (opts.hook) annotations['argocd.argoproj.io/hook'] = opts.hook;
  return { apiVersion: opts.apiVersion ?? 'v1', kind, metadata: { name, namespace: opts.ns, annotations } };
}

function input(over: Partial<PlanInput>): PlanInput {
  return {
    env: 'dev',
    app: 'web',
    revision: 'abc',
    desired: [],
    live: new Map(),
    drift: new Map(),
    inventory: [],
    prune: { allowed: true },
    ownedByApp: () => true,
    ...over,
  };
}

describe('kind order', () => {
  it('puts namespaces first and CRDs before workloads; unknown kinds last', () => {
    expect(KIND_ORDER[0]).toBe('Namespace');
    expect(kindRank('CustomResourceDefinition')).toBeLessThan(kindRank('Deployment'));
    expect(kindRank('ConfigMap')).toBeLessThan(kindRank('Deployment'));
    expect(kindRank('Service')).toBeLessThan(kindRank('Deployment'));
    expect(kindRank('Widget')).toBe(KIND_ORDER.length);
    expect(new Set(KIND_ORDER).size).toBe(KIND_ORDER.length);
  });
});

describe('buildPlan', () => {
  it('orders by phase, wave, kind, name', () => {
    const desired = [
      obj('Deployment', 'web', { apiVersion: 'apps/v1', ns: 'a', wave: 1 }),
      obj('Job', 'migrate', { apiVersion: 'batch/v1', ns: 'a', hook: 'PreSync' }),
      obj('ConfigMap', 'b', { ns: 'a', wave: 1 }),
      obj('ConfigMap', 'a', { ns: 'a', wave: 1 }),
      obj('Widget', 'w', { apiVersion: 'example.com/v1', ns: 'a', wave: -1 }),
      obj('Namespace', 'a'),
      obj('Job', 'smoke', { apiVersion: 'batch/v1', ns: 'a', hook: 'PostSync' }),
    ];
    const plan = buildPlan(input({ desired }));
    expect(plan.tasks.map((t) => `${t.phase}:${t.wave}:${t.kind}/${t.name}`)).toEqual([
      'PreSync:0:Job/migrate',
      'Sync:-1:Widget/w',
      'Sync:0:Namespace/a',
      'Sync:1:ConfigMap/a',
      'Sync:1:ConfigMap/b',
      'Sync:1:Deployment/web',
      'PostSync:0:Job/smoke',
    ]);
    expect(applyGroups(plan).map((g) => `${g.phase}/${g.wave}/${g.tasks.length}`)).toEqual([
      'PreSync/0/1',
      'Sync/-1/1',
      'Sync/0/1',
      'Sync/1/3',
      'PostSync/0/1',
    ]);
  });

  it('decides create, update and unchanged from the live object and the dry-run diff', () => {
    const a = obj('ConfigMap', 'a', { ns: 'x' });
    const b = obj('ConfigMap', 'b', { ns: 'x' });
    const c = obj('ConfigMap', 'c', { ns: 'x' });
    const plan = buildPlan(
      input({
        desired: [a, b, c],
        live: new Map([
          [keyOf(b), b],
          [keyOf(c), c],
        ]),
        drift: new Map([
          [keyOf(b), ['data.key']],
          [keyOf(c), []],
        ]),
      }),
    );
    expect(plan.tasks.map((t) => [t.name, t.action, t.reason])).toEqual([
      ['a', 'create', 'not in cluster'],
      ['b', 'update', 'data.key differs'],
      ['c', 'unchanged', 'in sync'],
    ]);
  });

  it('prunes only owned, prunable objects Git no longer renders, last and in reverse order', () => {
    const gone = obj('ConfigMap', 'gone', { ns: 'x' });
    const foreign = obj('Secret', 'foreign', { ns: 'x' });
    const keep = obj('ConfigMap', 'keep', { ns: 'x', annotations: { 'syncwave.io/prune': 'false' } });
    const oldDeploy = obj('Deployment', 'old', { apiVersion: 'apps/v1', ns: 'x', wave: 2 });
    const inventory = [gone, foreign, keep, oldDeploy].map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: 'x',
      name: o.metadata.name,
    }));
    const plan = buildPlan(
      input({
        desired: [obj('ConfigMap', 'new', { ns: 'x' })],
        inventory,
        live: new Map([gone, foreign, keep, oldDeploy].map((o) => [keyOf(o), o])),
        ownedByApp: (live) => live.metadata.name !== 'foreign',
      }),
    );
    expect(plan.tasks.map((t) => [t.name, t.action])).toEqual([
      ['new', 'create'],
      ['old', 'prune'],
      ['gone', 'prune'],
      ['keep', 'keep'],
      ['foreign', 'keep'],
    ]);
    expect(plan.tasks.find((t) => t.name === 'foreign')?.reason).toMatch(/not owned by app web/);
  });

  it('keeps extraneous objects with the reason when prune is not allowed', () => {
    const gone = obj('ConfigMap', 'gone', { ns: 'x' });
    const plan = buildPlan(
      input({
        inventory: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'x', name: 'gone' }],
        live: new Map([[keyOf(gone), gone]]),
        prune: { allowed: false, reason: 'prune is off' },
      }),
    );
    expect(plan.tasks).toMatchObject([
      { name: 'gone', action: 'keep', reason: 'no longer in Git; prune is off' },
    ]);
  });
});
