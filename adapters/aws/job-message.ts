import type { Initiator, Job } from '../../engine/index.ts';

const REASONS: readonly Initiator[] = ['push', 'poll', 'self-heal', 'manual', 'rollback', 'preview'];

export type DecodeJobResult = { ok: true; job: Job } | { ok: false; message: string };

/** Reads a job back from a queue message body (SqsQueue writes JSON.stringify(job)). */
export function decodeJobMessage(body: string): DecodeJobResult {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return { ok: false, message: 'job message is not JSON' };
  }
  if (typeof v !== 'object' || v === null) return { ok: false, message: 'job message is not an object' };
  const j = v as Record<string, unknown>;
  for (const key of ['id', 'repo', 'env', 'revision', 'enqueuedAt'] as const) {
    if (typeof j[key] !== 'string' || j[key] === '')
      return { ok: false, message: `job message has no "${key}"` };
  }
  if (!REASONS.includes(j.reason as Initiator))
    return { ok: false, message: `job message has unknown reason ${String(j.reason)}` };
  const paths = j.changedPaths;
  if (paths !== 'all' && !(Array.isArray(paths) && paths.every((p) => typeof p === 'string'))) {
    return { ok: false, message: 'job message changedPaths must be "all" or a list of paths' };
  }
  if (j.apps !== undefined && !(Array.isArray(j.apps) && j.apps.every((a) => typeof a === 'string'))) {
    return { ok: false, message: 'job message apps must be a list of names' };
  }
  return { ok: true, job: j as unknown as Job };
}
