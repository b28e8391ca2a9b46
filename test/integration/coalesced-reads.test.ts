// coalescedReads against the real API server of test/global-setup.ts: reads asked for in one turn
// of the event loop share requests (one LIST for many GETs of a kind in a namespace, one GET for
// the same object asked twice), every caller gets its own copy, and nothing is answered from
// before the question (issue 13: the apps of a job's wave read the cluster at once).

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import type { Cluster, KubeObject } from '../../engine/index.ts';
import { coalescedReads } from '../../engine/sync/coalesced-reads.ts';
import { type ClusterCalls, countingCluster } from '../support/counting-cluster.ts';

const APPLY = { dryRun: false, force: false } as const;
const run = randomBytes(3).toString('hex');
const ns = `sw-coalesce-${run}`;

const configMap = (name: string, version: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data: { version },
});

describe('coalescedReads', () => {
  let kube: KubeCluster;
  let reads: Cluster;
  let calls: ClusterCalls;
  let reset: () => void;

  beforeAll(async () => {
    kube = await KubeCluster.fromKubeconfig({ kubeconfigPath: inject('kubeconfig') });
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, APPLY);
    for (let i = 0; i < 12; i++) await kube.apply(configMap(`c${i}`, '1'), APPLY);
    const counting = countingCluster(kube);
    calls = counting.calls;
    reset = counting.reset;
    reads = coalescedReads(counting.cluster);
  });

  afterAll(async () => {
    await kube.delete('v1', 'Namespace', ns, undefined, { propagationPolicy: 'Background' });
    kube.close();
  });

  it('answers many GETs of one kind in one namespace asked at once with one LIST, absent ones undefined', async () => {
    reset();
    const names = [...Array.from({ length: 12 }, (_, i) => `c${i}`), 'not-there'];

    const got = await Promise.all(names.map((n) => reads.get('v1', 'ConfigMap', n, ns)));

    expect(calls.reads).toBe(1);
    expect(got.slice(0, 12).map((o) => o?.metadata.name)).toEqual(names.slice(0, 12));
    expect(
      got.every(
        (o, i) =>
          i === 12 ||
          (o?.kind === 'ConfigMap' && (o.data as { version?: string } | undefined)?.version === '1'),
      ),
    ).toBe(true);
    expect(got[12]).toBeUndefined();
  });

  it('reads a few objects by GET, the same object asked twice once, each caller its own copy', async () => {
    reset();

    const [a, b, other] = await Promise.all([
      reads.get('v1', 'ConfigMap', 'c0', ns),
      reads.get('v1', 'ConfigMap', 'c0', ns),
      reads.get('v1', 'ConfigMap', 'c1', ns),
    ]);

    expect(calls.reads).toBe(2);
    expect(a?.metadata.resourceVersion).toBe(b?.metadata.resourceVersion);
    expect(other?.metadata.name).toBe('c1');
    (a as KubeObject).data = { version: 'changed by one caller' };
    expect(b?.data).toEqual({ version: '1' });
  });

  it('never answers from an earlier turn: a write between two reads is seen', async () => {
    const before = await reads.get('v1', 'ConfigMap', 'c2', ns);
    await kube.apply(configMap('c2', '2'), APPLY);

    const after = await Promise.all(
      Array.from({ length: 6 }, (_, i) => reads.get('v1', 'ConfigMap', `c${i}`, ns)),
    );

    expect(before?.data).toEqual({ version: '1' });
    expect(after[2]?.data).toEqual({ version: '2' });
    expect(after[2]?.metadata.resourceVersion).not.toBe(before?.metadata.resourceVersion);
  });

  it('shares identical LISTs asked at once, each caller its own array; other selectors are their own LIST', async () => {
    reset();

    const [one, two, none] = await Promise.all([
      reads.list('v1', 'ConfigMap', { namespace: ns }),
      reads.list('v1', 'ConfigMap', { namespace: ns }),
      reads.list('v1', 'ConfigMap', { namespace: ns, labelSelector: 'absent=yes' }),
    ]);

    expect(calls.reads).toBe(2);
    expect(one.map((o) => o.metadata.name)).toEqual(two.map((o) => o.metadata.name));
    expect(one.length).toBeGreaterThanOrEqual(12);
    expect(one).not.toBe(two);
    expect(none).toEqual([]);
  });

  it('reads cluster-scoped objects whatever namespace is given, and unknown kinds as absent', async () => {
    reset();

    const [namespace, again, unknown] = await Promise.all([
      reads.get('v1', 'Namespace', ns),
      reads.get('v1', 'Namespace', ns, 'ignored-for-cluster-scoped'),
      reads.get(`nothing${run}.syncwave.test/v1`, 'Widget', 'w', ns),
    ]);

    expect(namespace?.metadata.name).toBe(ns);
    expect(again?.metadata.name).toBe(ns);
    expect(calls.reads).toBe(2);
    expect(unknown).toBeUndefined();
  });

  it('passes a read the cluster refuses on to its caller (a get without a name)', async () => {
    await expect(reads.get('v1', 'ConfigMap', '', ns)).rejects.toThrow(/needs a name/);
  });
});
