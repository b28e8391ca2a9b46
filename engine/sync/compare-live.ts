import pLimit from 'p-limit';
import type { IgnoreDifference, SyncOptions } from '../app-spec.ts';
import { diffObject, type ObjectDiff } from '../diff/diff-object.ts';
import { clusterErrorCode, errorMessage } from '../errors.ts';
import type { KubeObject } from '../model.ts';
import { describeObject, groupOf, objectKey } from '../object-key.ts';
import { hookPhasesOf } from '../plan/annotations.ts';
import { taskOptionsOf } from '../plan/task-options.ts';
import type { Cluster } from '../ports.ts';
import { parseTrackingId, TRACKING_ANNOTATION } from '../render/tracking.ts';
import type { AppliedRecord, InventoryEntry } from '../state.ts';
import { unchangedSinceApplied } from './applied-records.ts';
import { applyUnvalidated } from './apply-unvalidated.ts';
import { readLive } from './read-live.ts';

export interface Comparison {
  live: Map<string, KubeObject>;
  /** Changed paths per desired key that exists live. */
  drift: Map<string, string[]>;
  diffs: Map<string, ObjectDiff>;
  /** Objects the API server rejects in a dry run (invalid, conflicting): nothing should be applied. */
  rejected: Array<{ key: string; message: string; code?: string }>;
}

export interface CompareOptions {
  /** Take over conflicting fields for every object (Force=true). */
  force: boolean;
  /** Objects the app already owns are always applied with force: their drift is healed. */
  ownedByApp(live: KubeObject): boolean;
  concurrency: number;
  ignoreDifferences: readonly IgnoreDifference[];
  /** What the last successful sync applied: objects unchanged since on both sides are not dry-run. */
  applied?: Readonly<Record<string, AppliedRecord>>;
  /** Namespaces this sync creates (CreateNamespace=true): nothing in them can be dry-run before. */
  creates?: { namespaces: readonly string[] };
  /** The app's sync options: Replace, Validate and SkipDryRunOnMissingResource change the dry run. */
  syncOptions?: Partial<SyncOptions>;
}

/** `group/Kind` of every CustomResourceDefinition among the desired objects. */
function crdKinds(desired: readonly KubeObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of desired) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.spec as { group?: string; names?: { kind?: string } } | undefined;
    out.add(`${spec?.group}/${spec?.names?.kind}`);
  }
  return out;
}

/** A dry run of the write the sync would make: server-side apply, or a replace (PUT) with Replace=true. */
function dryRun(
  cluster: Cluster,
  obj: KubeObject,
  live: KubeObject | undefined,
  opts: { force: boolean; replace: boolean; validate: boolean },
): Promise<KubeObject> {
  const fieldValidation = opts.validate ? 'Strict' : 'Ignore';
  if (opts.replace && live) {
    const withVersion = {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: live.metadata.resourceVersion },
    };
    return cluster.replace(withVersion, { dryRun: true, fieldValidation });
  }
  if (!opts.validate) return applyUnvalidated(cluster, obj, live, { dryRun: true, force: opts.force });
  return cluster.apply(obj, { dryRun: true, force: opts.force, fieldValidation });
}

function entryOf(obj: KubeObject): InventoryEntry {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
  };
}

/** Namespaces that come in this sync (declared or created) and are not there yet: a dry run in them only fails NotFound. */
function absentNamespaces(
  desired: readonly KubeObject[],
  live: ReadonlyMap<string, KubeObject>,
  created: readonly string[],
): Set<string> {
  const declared = desired
    .filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1' && !live.has(objectKey(entryOf(o))))
    .map((o) => o.metadata.name);
  return new Set([...declared, ...created]);
}

/**
 * Reads the live state of every desired and inventoried object, and predicts each
 * desired object with a server-side dry-run apply so defaulted fields never count as
 * drift. An object that cannot be dry-run yet (its namespace or CRD comes in this sync)
 * is simply not compared. With `applied`, an object whose desired hash and live version are
 * those the last successful sync left is known to be in sync without a dry run.
 */
export async function compareLive(
  cluster: Cluster,
  desired: readonly KubeObject[],
  inventory: readonly InventoryEntry[],
  opts: CompareOptions,
): Promise<Comparison> {
  const limit = pLimit(opts.concurrency);
  const result: Comparison = { live: new Map(), drift: new Map(), diffs: new Map(), rejected: [] };
  const refs = new Map<string, InventoryEntry>();
  for (const e of [...desired.map(entryOf), ...inventory]) refs.set(objectKey(e), e);
  result.live = await readLive(cluster, [...refs.values()], opts.concurrency);
  const absent = absentNamespaces(desired, result.live, opts.creates?.namespaces ?? []);
  const crds = crdKinds(desired);
  await Promise.all(
    desired
      .filter((obj) => !hookPhasesOf(obj))
      .map((obj) =>
        limit(async () => {
          const key = objectKey(entryOf(obj));
          const live = result.live.get(key);
          const otherOwner = live?.metadata.annotations?.[TRACKING_ANNOTATION];
          if (live && otherOwner && !opts.ownedByApp(live)) {
            const id = parseTrackingId(otherOwner);
            result.rejected.push({
              key,
              code: 'SharedResource',
              message: `${describeObject(entryOf(obj))}: already managed by app ${id?.app ?? '?'} in environment ${id?.env ?? '?'}; an object belongs to one app only: remove it from one of them`,
            });
            return;
          }
          if (!live && absent.has(obj.metadata.namespace ?? '')) return;
          if (live && unchangedSinceApplied(obj, live, opts.applied?.[key])) {
            result.drift.set(key, []);
            return;
          }
          const options = taskOptionsOf(obj, live, opts.syncOptions);
          try {
            const force = opts.force || options.force || (live !== undefined && opts.ownedByApp(live));
            const predicted = await dryRun(cluster, obj, live, { ...options, force });
            if (!live) return;
            const diff = diffObject(live, predicted, { ignore: opts.ignoreDifferences });
            result.diffs.set(key, diff);
            result.drift.set(key, diff.paths);
          } catch (error) {
            const code = clusterErrorCode(error);
            if (!live && code === 'NotFound') return;
            // A kind not served yet: its CRD comes in this sync, or the app says something else installs it.
            const kind = `${groupOf(obj.apiVersion)}/${obj.kind}`;
            if (!live && code === 'UnknownKind' && (crds.has(kind) || options.skipDryRunOnMissingResource))
              return;
            if (!live && code === 'UnknownKind') {
              result.rejected.push({
                key,
                code,
                message: `${describeObject(entryOf(obj))}: the API server does not serve kind ${obj.kind} of ${obj.apiVersion} and its CustomResourceDefinition is not in this app; add the CRD to the app (an earlier wave), or set SkipDryRunOnMissingResource=true if something else installs it during the sync`,
              });
              return;
            }
            const message = errorMessage(error);
            result.rejected.push({
              key,
              code,
              message: message.startsWith(obj.kind) ? message : `${describeObject(entryOf(obj))}: ${message}`,
            });
          }
        }),
      ),
  );
  return result;
}
