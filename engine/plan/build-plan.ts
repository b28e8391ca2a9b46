import type { IgnoreDifference, SyncOptions } from '../app-spec.ts';
import { withIgnoredFromLive } from '../diff/with-ignored-from-live.ts';
import type { KubeObject, PlanAction, SyncPhase } from '../model.ts';
import { describeObject, keyOf, objectKey } from '../object-key.ts';
import type { SyncPlan, SyncTask } from '../operation.ts';
import type { InventoryEntry } from '../state.ts';
import { hookDeletePoliciesOf, hookPhasesOf, prunable, waveOf } from './annotations.ts';
import { compareTasks } from './compare-tasks.ts';
import { taskOptionsOf } from './task-options.ts';

export interface PlanInput {
  env: string;
  app: string;
  revision: string;
  /** Rendered objects, namespaces assigned and tracking written. */
  desired: readonly KubeObject[];
  /** Live objects by objectKey(); absent = not in the cluster. */
  live: ReadonlyMap<string, KubeObject>;
  /** Changed field paths per key from the server-side dry-run diff; absent = could not dry-run (treated as update). */
  drift: ReadonlyMap<string, readonly string[]>;
  /** What the app owned after its last sync. */
  inventory: readonly InventoryEntry[];
  /** Whether prune may delete, and the reason shown when it may not. */
  prune: { allowed: boolean; reason?: string };
  /** True when a live object carries this app's tracking id. */
  ownedByApp(live: KubeObject): boolean;
  /** The app's sync options: with the objects' own, how each is written (Replace, Force, Validate). */
  syncOptions?: Partial<SyncOptions>;
  /** The app's ignoreDifferences: with RespectIgnoreDifferences=true, their fields keep live values on write. */
  ignoreDifferences?: readonly IgnoreDifference[];
}

function describePaths(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3
    ? `${shown} and ${paths.length - 3} more differ`
    : `${shown} differ${paths.length === 1 ? 's' : ''}`;
}

function desiredTasks(input: PlanInput): SyncTask[] {
  const tasks: SyncTask[] = [];
  for (const obj of input.desired) {
    const key = keyOf(obj);
    const live = input.live.get(key);
    const respect = input.syncOptions?.respectIgnoreDifferences && live && input.ignoreDifferences?.length;
    const base = {
      key,
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      wave: waveOf(obj),
      desired: respect ? withIgnoredFromLive(obj, live, input.ignoreDifferences ?? []) : obj,
      live,
    };
    const hooks = hookPhasesOf(obj);
    if (hooks) {
      for (const phase of hooks) {
        if (phase === 'Skip') continue;
        tasks.push({
          ...base,
          phase,
          action: 'create',
          reason: `${phase} hook`,
          hook: { deletePolicies: hookDeletePoliciesOf(obj) },
        });
      }
      continue;
    }
    let action: PlanAction;
    let reason: string;
    if (!base.live) {
      action = 'create';
      reason = 'not in cluster';
    } else {
      const paths = input.drift.get(key);
      if (paths === undefined) {
        action = 'update';
        reason = 'could not be compared by dry run';
      } else if (paths.length === 0) {
        action = 'unchanged';
        reason = 'in sync';
      } else {
        action = 'update';
        reason = describePaths(paths);
      }
    }
    tasks.push({
      ...base,
      phase: 'Sync' as SyncPhase,
      action,
      reason,
      options: taskOptionsOf(obj, base.live, input.syncOptions),
    });
  }
  return tasks;
}

function pruneTasks(input: PlanInput, desiredKeys: ReadonlySet<string>): SyncTask[] {
  const tasks: SyncTask[] = [];
  for (const entry of input.inventory) {
    const key = objectKey(entry);
    if (desiredKeys.has(key)) continue;
    const live = input.live.get(key);
    if (!live) continue;
    const what = describeObject(entry);
    let action: PlanAction = 'prune';
    let reason = 'no longer in Git';
    if (!input.ownedByApp(live)) {
      action = 'keep';
      reason = `${what} is not owned by app ${input.app} (tracking annotation differs); left alone`;
    } else if (!prunable(live)) {
      action = 'keep';
      reason = 'no longer in Git; kept by Prune=false annotation';
    } else if (!input.prune.allowed) {
      action = 'keep';
      reason = `no longer in Git; ${input.prune.reason ?? 'prune is disabled'}`;
    }
    tasks.push({
      key,
      apiVersion: entry.apiVersion,
      kind: entry.kind,
      namespace: entry.namespace,
      name: entry.name,
      wave: waveOf(live),
      phase: 'Sync',
      action,
      reason,
      live,
    });
  }
  return tasks;
}

/** A sync plan is data before it is action: ordered tasks with the reason for each. */
export function buildPlan(input: PlanInput): SyncPlan {
  const tasks = desiredTasks(input);
  const desiredKeys = new Set(tasks.filter((t) => !t.hook).map((t) => t.key));
  for (const t of pruneTasks(input, desiredKeys)) tasks.push(t); // no spread: an inventory may be large
  tasks.sort(compareTasks);
  return { env: input.env, app: input.app, revision: input.revision, tasks };
}

/** Consecutive groups of (phase, wave) tasks to apply, in order; prune and SyncFail excluded. */
export function applyGroups(plan: SyncPlan): Array<{ phase: SyncPhase; wave: number; tasks: SyncTask[] }> {
  const groups: Array<{ phase: SyncPhase; wave: number; tasks: SyncTask[] }> = [];
  for (const task of plan.tasks) {
    if (task.action === 'prune' || task.action === 'keep' || task.phase === 'SyncFail') continue;
    const last = groups.at(-1);
    if (last && last.phase === task.phase && last.wave === task.wave) last.tasks.push(task);
    else groups.push({ phase: task.phase, wave: task.wave, tasks: [task] });
  }
  return groups;
}

/** One line per task, for `--dry-run` and logs. */
export function formatPlan(plan: SyncPlan): string[] {
  return plan.tasks.map(
    (t) =>
      `${t.phase.padEnd(8)} wave ${String(t.wave).padStart(3)}  ${t.action.padEnd(9)} ${describeObject(t)}  (${t.reason})`,
  );
}
