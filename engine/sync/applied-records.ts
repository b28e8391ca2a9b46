import type { KubeObject, OperationPhase } from '../model.ts';
import { keyOf } from '../object-key.ts';
import type { SyncPlan, TaskResult } from '../operation.ts';
import type { Cluster } from '../ports.ts';
import type { AppliedRecord } from '../state.ts';
import { desiredHash } from './desired-hash.ts';

/**
 * True when the live object is exactly the one the last successful sync left for this very
 * desired object: same desired hash, same uid, same resourceVersion (any write by anyone,
 * a `kubectl scale` or a controller, changes it). Such an object needs no dry run and no write.
 */
export function unchangedSinceApplied(
  desired: KubeObject,
  live: KubeObject,
  record: AppliedRecord | undefined,
): boolean {
  if (!record || !live.metadata.resourceVersion) return false;
  if (record.resourceVersion !== live.metadata.resourceVersion) return false;
  if (record.uid !== undefined && record.uid !== live.metadata.uid) return false;
  return record.hash === desiredHash(desired);
}

/** A Cluster that keeps the answer of every real (not dry-run) apply, replace or named create, by object key. */
export function recordingApplies(cluster: Cluster): { cluster: Cluster; applied: Map<string, KubeObject> } {
  const applied = new Map<string, KubeObject>();
  const recording: Cluster = {
    apply: async (obj, opts) => {
      const out = await cluster.apply(obj, opts);
      if (!opts.dryRun) applied.set(keyOf(obj), out);
      return out;
    },
    create: async (obj, opts) => {
      const out = await cluster.create(obj, opts);
      if (!opts.dryRun && obj.metadata.name) applied.set(keyOf(obj), out);
      return out;
    },
    replace: async (obj, opts) => {
      const out = await cluster.replace(obj, opts);
      if (!opts.dryRun) applied.set(keyOf(obj), out);
      return out;
    },
    get: (apiVersion, kind, name, namespace) => cluster.get(apiVersion, kind, name, namespace),
    list: (apiVersion, kind, opts) => cluster.list(apiVersion, kind, opts),
    delete: (apiVersion, kind, name, namespace, opts) =>
      cluster.delete(apiVersion, kind, name, namespace, opts),
    kindInfo: (apiVersion, kind, opts) => cluster.kindInfo(apiVersion, kind, opts),
  };
  return { cluster: recording, applied };
}

const SYNCED = new Set(['created', 'configured', 'unchanged']);

/**
 * The records a finished sync leaves: for each desired object synced, its hash and the
 * version of the live object it left (the apply's answer, or the live object compared when
 * nothing was written). Only a sync that succeeded leaves records; any other leaves none,
 * so the next sync compares everything.
 */
export function appliedRecords(input: {
  phase: OperationPhase;
  plan: SyncPlan;
  results: ReadonlyMap<string, TaskResult>;
  applied: ReadonlyMap<string, KubeObject>;
}): Record<string, AppliedRecord> | undefined {
  if (input.phase !== 'Succeeded') return undefined;
  const out: Record<string, AppliedRecord> = {};
  for (const t of input.plan.tasks) {
    if (t.hook || !t.desired) continue;
    const outcome = input.results.get(t.key)?.outcome;
    if (!outcome || !SYNCED.has(outcome)) continue;
    const live = outcome === 'unchanged' ? t.live : input.applied.get(t.key);
    const resourceVersion = live?.metadata.resourceVersion;
    if (!resourceVersion) continue;
    out[t.key] = { hash: desiredHash(t.desired), resourceVersion, uid: live?.metadata.uid };
  }
  return out;
}
