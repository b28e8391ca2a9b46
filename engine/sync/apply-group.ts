import pLimit from 'p-limit';
import { EngineError, errorMessage } from '../errors.ts';
import type { KubeObject } from '../model.ts';
import { describeObject } from '../object-key.ts';
import type { SyncTask, TaskResult } from '../operation.ts';
import type { Clock, Cluster } from '../ports.ts';
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

async function applyTask(task: SyncTask, opts: ApplyGroupOptions): Promise<TaskResult> {
  if (task.action === 'unchanged') return { key: task.key, outcome: 'unchanged' };
  if (!task.desired) return { key: task.key, outcome: 'skipped', message: 'nothing to apply' };
  if (task.hook && task.desired.metadata.annotations?.[HOOK_GENERATE_NAME])
    return createGeneratedHook(task, opts);
  try {
    if (task.hook) await recreateHook(task, opts);
    const force = opts.force || (task.live !== undefined && opts.ownedByApp(task.live));
    await opts.cluster.apply(task.desired, { dryRun: false, force });
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
    return { key: task.key, outcome: task.action === 'create' && !task.live ? 'created' : 'configured' };
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
