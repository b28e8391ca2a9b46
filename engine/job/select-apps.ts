import type { AppSpec } from '../app-spec.ts';
import type { Job } from '../ports.ts';
import type { AppState } from '../state.ts';
import { affectedApps } from './affected-apps.ts';

/**
 * Which apps a job syncs. Named apps (manual, rollback, self-heal) are synced as asked.
 * Push and poll sync the automated apps the change touches, plus automated apps never
 * synced yet; an app paused by a rollback is left alone until `app resume`.
 */
export function selectApps(
  apps: readonly AppSpec[],
  job: Job,
  states: ReadonlyMap<string, AppState>,
): { selected: AppSpec[]; notes: string[] } {
  const notes: string[] = [];
  if (job.apps?.length) {
    const selected = apps.filter((a) => job.apps?.includes(a.name));
    for (const name of job.apps)
      if (!apps.some((a) => a.name === name))
        notes.push(`app ${name} is not declared for environment ${job.env}`);
    return { selected, notes };
  }
  const touched = new Set(affectedApps(apps, job.changedPaths).map((a) => a.name));
  const selected = apps.filter((app) => {
    const state = states.get(app.name);
    if (!touched.has(app.name) && state?.syncedRevision) return false;
    if (!app.syncPolicy.automated) {
      notes.push(`${app.name}: not synced (no automated sync policy); run "syncwave app sync ${app.name}"`);
      return false;
    }
    if (state?.automationPaused) {
      notes.push(
        `${app.name}: not synced (automation paused by a rollback; run "syncwave app resume ${app.name}")`,
      );
      return false;
    }
    return true;
  });
  return { selected, notes };
}
