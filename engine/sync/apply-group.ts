import pLimit from 'p-limit';
import { clusterErrorCode, EngineError, errorMessage } from '../errors.ts';
import type { KubeObject } from '../model.ts';
import { describeObject } from '../object-key.ts';
import type { SyncTask, TaskResult } from '../operation.ts';
import type { Clock, Cluster } from '../ports.ts';
import { applyUnvalidated } from './apply-unvalidated.ts';
import { createGeneratedHook, HOOK_GENERATE_NAME } from './generated-hooks.ts';

export interface ApplyGroupOptions {
  cluster: Cluster;
  clock: Clock;
  /** Take over conflicting fields for every object (Force=true). */
  force: boolean;
  /** Objects the app already owns are applied with force, so drift (a manual scale) is healed. */
  ownedByApp(live: KubeObject): boolean;
  concurrency: number;
}

const CRD_ESTABLISH_TIMEOUT_MS = 60_000;

function established(crd: KubeObject | undefined): boolean {
  const conditions =
    (crd?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Established' && c.status === 'True');
}

async function waitUntil(clock: Clock, timeoutMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const start = clock.now().getTime();
  while (clock.now().getTime() - start < timeoutMs) {
    if (await check()) return true;
    await clock.sleep(250);
  }
  return check();
}

/**
 * A hook runs afresh on every sync: an earlier run of it is deleted first (BeforeHookCreation,
 * also the only way a Job can run again), but only when this app owns it.
 */
async function recreateHook(task: SyncTask, opts: ApplyGroupOptions): Promise<void> {
  const { cluster } = opts;
  if (!task.hook) return;
  const existing = await cluster.get(task.apiVersion, task.kind, task.name, task.namespace);
  if (!existing) return;
  if (!opts.ownedByApp(existing))
    throw new EngineError(
      `${describeObject(task)}: exists and is not owned by this app (another app's, or made by hand); a hook never deletes an object it does not own: rename the hook or remove that object`,
    );
  await cluster.delete(task.apiVersion, task.kind, task.name, task.namespace, {
    propagationPolicy: 'Background',
  });
  await waitUntil(
    opts.clock,
    30_000,
    async () => !(await cluster.get(task.apiVersion, task.kind, task.name, task.namespace)),
  );
}

/**
 * Writes one object as its sync options say: server-side apply (Strict field validation unless
 * Validate=false), or with Replace=true a PUT of exactly the desired object (a create when it is
 * missing; with Force=true a delete and create, as `kubectl replace --force`, except for CRDs and
 * Namespaces, whose deletion would take everything in them). A kind the API server did not
 * serve when discovery was read is looked up once more (SkipDryRunOnMissingResource: its CRD may
 * have come meanwhile).
 */
async function write(
  task: SyncTask,
  desired: KubeObject,
  opts: ApplyGroupOptions,
  retried = false,
): Promise<'created' | 'written'> {
  const options = task.options;
  const fieldValidation = options?.validate === false ? 'Ignore' : 'Strict';
  try {
    if (!options?.replace) {
      const force =
        opts.force || Boolean(options?.force) || (task.live !== undefined && opts.ownedByApp(task.live));
      if (options?.validate === false)
        await applyUnvalidated(opts.cluster, desired, task.live, { dryRun: false, force });
      else await opts.cluster.apply(desired, { dryRun: false, force, fieldValidation });
      return 'written';
    }
    return await replace(task, desired, { ...opts, fieldValidation });
  } catch (error) {
    if (retried || clusterErrorCode(error) !== 'UnknownKind') throw error;
    await opts.cluster.kindInfo(task.apiVersion, task.kind, { refresh: true });
    return write(task, desired, opts, true);
  }
}

async function replace(
  task: SyncTask,
  desired: KubeObject,
  opts: ApplyGroupOptions & { fieldValidation: 'Strict' | 'Ignore' },
): Promise<'created' | 'written'> {
  const { cluster, fieldValidation } = opts;
  const live = await cluster.get(task.apiVersion, task.kind, task.name, task.namespace);
  if (!live) {
    await cluster.create(desired, { dryRun: false, fieldValidation });
    return 'created';
  }
  const recreate =
    task.options?.force && task.kind !== 'CustomResourceDefinition' && task.kind !== 'Namespace';
  if (recreate) {
    await cluster.delete(task.apiVersion, task.kind, task.name, task.namespace, {
      propagationPolicy: 'Foreground',
    });
    const gone = await waitUntil(
      opts.clock,
      60_000,
      async () => !(await cluster.get(task.apiVersion, task.kind, task.name, task.namespace)),
    );
    if (!gone)
      throw new EngineError(
        `${describeObject(task)}: still there 60s after its deletion (Replace=true with Force=true deletes and creates it)`,
      );
    await cluster.create(desired, { dryRun: false, fieldValidation });
    return 'written';
  }
  const put = {
    ...desired,
    metadata: { ...desired.metadata, resourceVersion: live.metadata.resourceVersion },
  };
  await cluster.replace(put, { dryRun: false, fieldValidation });
  return 'written';
}

async function applyTask(task: SyncTask, opts: ApplyGroupOptions): Promise<TaskResult> {
  if (task.action === 'unchanged') return { key: task.key, outcome: 'unchanged' };
  if (!task.desired) return { key: task.key, outcome: 'skipped', message: 'nothing to apply' };
  if (task.hook && task.desired.metadata.annotations?.[HOOK_GENERATE_NAME])
    return createGeneratedHook(task, opts);
  try {
    if (task.hook) await recreateHook(task, opts);
    const written = await write(task, task.desired, opts);
    if (task.kind === 'CustomResourceDefinition') {
      const ok = await waitUntil(opts.clock, CRD_ESTABLISH_TIMEOUT_MS, async () =>
        established(await opts.cluster.get(task.apiVersion, task.kind, task.name)),
      );
      if (!ok)
        return {
          key: task.key,
          outcome: 'failed',
          message: `${describeObject(task)}: not Established after 60s`,
        };
      const spec = task.desired.spec as {
        group?: string;
        versions?: Array<{ name: string }>;
        names?: { kind?: string };
      };
      for (const v of spec.versions ?? [])
        await opts.cluster.kindInfo(`${spec.group}/${v.name}`, spec.names?.kind ?? '', { refresh: true });
    }
    return {
      key: task.key,
      outcome: written === 'created' || (task.action === 'create' && !task.live) ? 'created' : 'configured',
    };
  } catch (error) {
    const message = errorMessage(error);
    return {
      key: task.key,
      outcome: 'failed',
      message: message.startsWith(task.kind) ? message : `${describeObject(task)}: ${message}`,
    };
  }
}

/**
 * Applies one (phase, wave) group with server-side apply: unchanged objects cost no
 * write; CRDs go first and are waited on until Established so the group's custom
 * resources can follow. A failed object is a result, not an abort.
 */
export async function applyGroup(tasks: readonly SyncTask[], opts: ApplyGroupOptions): Promise<TaskResult[]> {
  const limit = pLimit(opts.concurrency);
  const crds = tasks.filter((t) => t.kind === 'CustomResourceDefinition');
  const rest = tasks.filter((t) => t.kind !== 'CustomResourceDefinition');
  const first = await Promise.all(crds.map((t) => limit(() => applyTask(t, opts))));
  const second = await Promise.all(rest.map((t) => limit(() => applyTask(t, opts))));
  return [...first, ...second];
}
