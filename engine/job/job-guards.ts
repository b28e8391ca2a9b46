import type { Job, Source, StateStore } from '../ports.ts';
import { shortRevision } from '../short-revision.ts';
import type { EnvironmentState } from '../state.ts';
import type { EngineDeps } from './engine-deps.ts';

const SHA = /^[0-9a-f]{40}$/;

/**
 * The commit a job syncs. A self-heal job heals an app to the revision it is synced at
 * when the job runs, not when it was queued: a push that landed in between is never undone.
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

/** Why a push or poll job must not run: its revision is deployed already, or older than what is. */
export async function skipReason(
  job: Job,
  revision: string,
  env: EnvironmentState | undefined,
  source: Source,
): Promise<string | undefined> {
  if (env?.inProgress?.jobId === job.id) return undefined;
  if (job.reason !== 'push' && job.reason !== 'poll') return undefined;
  const last = env?.lastRevision;
  if (!last) return undefined;
  if (last === revision) return `revision ${shortRevision(revision)} is already deployed to ${job.env}`;
  if (await source.isAncestor(revision, last)) {
    return `revision ${shortRevision(revision)} is older than ${shortRevision(last)}, already deployed to ${job.env}; skipped so the environment never moves backwards`;
  }
  return undefined;
}
