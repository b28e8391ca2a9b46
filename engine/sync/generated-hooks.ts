import { clusterErrorCode, errorMessage } from '../errors.ts';
import type { KubeObject } from '../model.ts';
import { describeObject } from '../object-key.ts';
import type { SyncTask, TaskResult } from '../operation.ts';
import { ANNOTATION, hookPhasesOf } from '../plan/annotations.ts';
import type { Cluster } from '../ports.ts';

/** On a generated hook run: the `metadata.generateName` it was made from (which hook it is a run of). */
export const HOOK_GENERATE_NAME = 'syncwave.io/hook-generate-name';
/** On a generated hook run: the start of the sync operation that created it (which run it is). */
export const HOOK_RUN = 'syncwave.io/hook-run';

/** Kubernetes caps names that become label values (Jobs, Pods' hostnames) at 63 characters. */
const MAX_NAME = 63;

/** The sync operation that hook runs belong to. */
export interface HookRun {
  /** The commit being synced. */
  revision: string;
  /** When the operation started (ISO time), saved with it, so a resumed sync names its runs alike. */
  startedAt: string;
}

/** A hook with `metadata.generateName` and no `metadata.name`: it runs as a new object on every sync. */
export function isGeneratedHook(obj: KubeObject | undefined): boolean {
  if (!obj || obj.metadata.name) return false;
  return typeof obj.metadata.generateName === 'string' && hookPhasesOf(obj) !== undefined;
}

/**
 * The name of one run, as Argo CD forms it: `<generateName><revision:7>-<phase>-<unix seconds>`,
 * lower case, the generateName shortened when the whole would exceed 63 characters.
 */
export function hookRunName(generateName: string, phase: string, run: HookRun): string {
  const seconds = Math.floor(new Date(run.startedAt).getTime() / 1000);
  const suffix = `${run.revision.slice(0, 7)}-${phase}-${seconds}`.toLowerCase();
  const base = generateName.toLowerCase().slice(0, Math.max(0, MAX_NAME - suffix.length));
  return `${base}${suffix}`;
}

function hookAnnotationKey(obj: KubeObject): string {
  return obj.metadata.annotations?.[ANNOTATION.hook] !== undefined ? ANNOTATION.hook : ANNOTATION.argoHook;
}

/**
 * Gives every hook with generateName the name of this sync's run, one copy per phase (a
 * `PreSync,PostSync` hook runs twice, as two objects), marked with the hook it comes from and
 * the run. Without a run (a diff, which never creates hooks) such hooks are left out. Other
 * objects pass through unchanged.
 */
export function nameGeneratedHooks(objects: readonly KubeObject[], run: HookRun | undefined): KubeObject[] {
  const out: KubeObject[] = [];
  for (const obj of objects) {
    if (!isGeneratedHook(obj)) {
      out.push(obj);
      continue;
    }
    if (!run) continue;
    const generateName = String(obj.metadata.generateName);
    for (const phase of hookPhasesOf(obj) ?? []) {
      if (phase === 'Skip') continue;
      const { generateName: _dropped, ...metadata } = structuredClone(obj.metadata);
      out.push({
        ...structuredClone(obj),
        metadata: {
          ...metadata,
          name: hookRunName(generateName, phase, run),
          annotations: {
            ...metadata.annotations,
            [hookAnnotationKey(obj)]: phase,
            [HOOK_GENERATE_NAME]: generateName,
            [HOOK_RUN]: run.startedAt,
          },
        },
      });
    }
  }
  return out;
}

export interface GeneratedHookOptions {
  cluster: Cluster;
  /** True when a live object's tracking annotation names this app. */
  ownedByApp(live: KubeObject): boolean;
}

/**
 * BeforeHookCreation for generated names: earlier runs of the same hook (same generateName,
 * owned by this app, made by another sync) are deleted before the new run is created. Argo CD
 * keeps them, since their names never match the new run's; we do not let them pile up.
 */
async function deleteEarlierRuns(
  task: SyncTask,
  desired: KubeObject,
  opts: GeneratedHookOptions,
): Promise<void> {
  const generateName = desired.metadata.annotations?.[HOOK_GENERATE_NAME];
  const run = desired.metadata.annotations?.[HOOK_RUN];
  const live = await opts.cluster.list(task.apiVersion, task.kind, { namespace: task.namespace });
  const earlier = live.filter((o) => {
    const a = o.metadata.annotations ?? {};
    return a[HOOK_GENERATE_NAME] === generateName && a[HOOK_RUN] !== run && opts.ownedByApp(o);
  });
  for (const o of earlier) {
    await opts.cluster.delete(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace, {
      propagationPolicy: 'Background',
    });
  }
}

/**
 * Creates one run of a generated hook with POST (never apply: each sync makes a new object).
 * A name already taken by this very run (a resumed sync) counts as created; taken by anything
 * else, it fails with the reason.
 */
export async function createGeneratedHook(task: SyncTask, opts: GeneratedHookOptions): Promise<TaskResult> {
  const desired = task.desired as KubeObject;
  const what = describeObject(task);
  try {
    if (task.hook?.deletePolicies.includes('BeforeHookCreation'))
      await deleteEarlierRuns(task, desired, opts);
    await opts.cluster.create(desired, { dryRun: false });
    return {
      key: task.key,
      outcome: 'created',
      message: `${what}: run of hook ${desired.metadata.annotations?.[HOOK_GENERATE_NAME]}`,
    };
  } catch (error) {
    if (clusterErrorCode(error) === 'Conflict') {
      const live = await opts.cluster.get(task.apiVersion, task.kind, task.name, task.namespace);
      const sameRun = live?.metadata.annotations?.[HOOK_RUN] === desired.metadata.annotations?.[HOOK_RUN];
      if (live && sameRun && opts.ownedByApp(live)) return { key: task.key, outcome: 'created' };
      return {
        key: task.key,
        outcome: 'failed',
        message: `${what}: a hook run of that name exists already and was not made by this sync; delete it, or sync again in a second (run names carry the sync's start time in seconds)`,
      };
    }
    const message = errorMessage(error);
    return {
      key: task.key,
      outcome: 'failed',
      message: message.startsWith(task.kind) ? message : `${what}: ${message}`,
    };
  }
}
