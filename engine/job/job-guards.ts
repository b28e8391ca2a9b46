import type { Job, StateStore } from '../ports.ts';
import type { EngineDeps } from './engine-deps.ts';

const SHA = /^[0-9a-f]{40}$/;

/** Push and poll jobs follow their branch: they deploy its tip, or nothing. */
export function followsBranch(job: Pick<Job, 'reason'>): boolean {
  return job.reason === 'push' || job.reason === 'poll';
}

/**
 * The commit a job syncs. A self-heal job heals an app to the revision it is synced at
 * when the job runs, not when it was queued: a push that landed in between is never undone.
 * A branch name (a manual job that wants the tip) is resolved now; a SHA is taken as is.
 */
export async function jobRevision(job: Job, deps: Pick<EngineDeps, 'state' | 'source'>): Promise<string> {
  const [app] = job.apps ?? [];
  if (job.reason === 'self-heal' && app) {
    const synced = (await deps.state.getApp(job.env, app))?.syncedRevision;
    if (synced) return synced;
  }
  return SHA.test(job.revision) ? job.revision : deps.source.resolve(job.revision);
}

/**
 * True when this very job already synced the app (its newest history entry): a job cut
 * short between an app's sync and the saved progress never syncs that app twice.
 */
export async function syncedByThisJob(
  state: StateStore,
  job: Job,
  revision: string,
  app: string,
): Promise<boolean> {
  const [last] = await state.listHistory(job.env, app, 1);
  return last?.deliveryId === job.id && last.revision === revision && last.phase === 'Succeeded';
}
