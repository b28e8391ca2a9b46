import type { AppSpec } from '../app-spec.ts';
import type { Job } from '../ports.ts';
import { shortRevision } from '../short-revision.ts';
import type { AppState } from '../state.ts';
import { affectedApps } from './affected-apps.ts';

export interface Selection {
  selected: AppSpec[];
  notes: string[];
  /** Apps whose sync at this very revision failed and that are not retried by themselves. */
  blocked?: string[];
}

/** Named apps (manual, rollback, self-heal) are synced as asked. */
function namedApps(apps: readonly AppSpec[], job: Job, names: readonly string[]): Selection {
  const notes: string[] = [];
  const selected = apps.filter((a) => names.includes(a.name));
  for (const name of names)
    if (!apps.some((a) => a.name === name))
      notes.push(`app ${name} is not declared for environment ${job.env}`);
  return { selected, notes };
}

/** Why an automated job leaves an app alone, or undefined when it syncs it. */
function notAutomated(app: AppSpec, state: AppState | undefined): string | undefined {
  if (!app.syncPolicy.automated)
    return `${app.name}: not synced (no automated sync policy); run "syncwave app sync ${app.name}"`;
  if (state?.automationPaused)
    return `${app.name}: not synced (automation paused by a rollback; run "syncwave app resume ${app.name}")`;
  return undefined;
}

/**
 * Which apps a manual job without app names syncs: the automated apps its changed paths
 * touch, plus automated apps never synced yet; an app paused by a rollback is left alone.
 */
export function selectApps(
  apps: readonly AppSpec[],
  job: Job,
  states: ReadonlyMap<string, AppState>,
): Selection {
  if (job.apps?.length) return namedApps(apps, job, job.apps);
  const notes: string[] = [];
  const touched = new Set(affectedApps(apps, job.changedPaths).map((a) => a.name));
  const selected = apps.filter((app) => {
    const state = states.get(app.name);
    if (!touched.has(app.name) && state?.syncedRevision) return false;
    const why = notAutomated(app, state);
    if (why) notes.push(why);
    return !why;
  });
  return { selected, notes };
}

export interface TipInput {
  /** The branch tip this job deploys. */
  tip: string;
  states: ReadonlyMap<string, AppState>;
  /** Per app, the paths changed since the revision it last synced (see changesSince). */
  changed: ReadonlyMap<string, string[] | 'all'>;
  /** Apps with a sync operation left unfinished (by any job): always synced again. */
  unfinished: ReadonlySet<string>;
  /**
   * Apps whose newest history entry is a successful sync at the tip: synced, even when the
   * app state written after it was lost (a process killed between the two writes).
   */
  succeededAtTip?: ReadonlySet<string>;
}

/**
 * Which apps a push or poll job syncs to the branch tip: every automated app whose synced
 * revision is not the tip and whose inputs changed since (so an app left behind by an
 * earlier job that was cut short or superseded is picked up by the next one), every app
 * never synced, every app with an unfinished operation, and every app whose last sync (at
 * another revision) failed. An app whose last sync at this
 * very tip failed is not retried by itself (a push that fixes it, or `app sync`, is).
 */
export function selectAtTip(apps: readonly AppSpec[], input: TipInput): Selection {
  const notes: string[] = [];
  const blocked: string[] = [];
  const selected = apps.filter((app) => {
    const state = input.states.get(app.name);
    const why = notAutomated(app, state);
    if (why) {
      notes.push(why);
      return false;
    }
    if (input.succeededAtTip?.has(app.name)) return false;
    if (input.unfinished.has(app.name) || !state?.syncedRevision) return true;
    if (state.syncedRevision === input.tip) return false;
    const last = state.lastOperation;
    if (last?.revision === input.tip && (last.phase === 'Failed' || last.phase === 'Error')) {
      blocked.push(app.name);
      notes.push(
        `${app.name}: its sync at ${shortRevision(input.tip)} failed; not retried by itself (push a fix or run "syncwave app sync ${app.name}")`,
      );
      return false;
    }
    // Its last sync at another revision failed: the cluster may hold part of it; sync afresh.
    if (last && last.phase !== 'Succeeded') return true;
    return affectedApps([app], input.changed.get(app.name) ?? 'all').length > 0;
  });
  return { selected, notes, blocked };
}
