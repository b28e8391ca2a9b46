import type { HistoryResource } from '../history.ts';
import type { SyncPlan, TaskResult } from '../operation.ts';
import type { AppSyncSummary } from './job-result.ts';

/** `; app wave(s) 2, 3 not synced` for the waves after index i, or ''. */
export function laterWaves(waves: number[], i: number): string {
  const later = waves.slice(i + 1);
  return later.length ? `; app wave(s) ${later.join(', ')} not synced` : '';
}

export function summarize(apps: AppSyncSummary[]): string {
  return apps
    .map(
      (a) =>
        `${a.app}: ${a.phase === 'Succeeded' ? a.message.replace(/^successfully synced /, '') : a.message}`,
    )
    .join('; ');
}

/** Each task of a plan with what happened to it (skipped when it did not run, e.g. a dry run). */
export function planResources(plan: SyncPlan, results: readonly TaskResult[] = []): HistoryResource[] {
  const byKey = new Map(results.map((r) => [r.key, r]));
  return plan.tasks.map((t) => ({
    apiVersion: t.apiVersion,
    kind: t.kind,
    namespace: t.namespace,
    name: t.name,
    wave: t.wave,
    phase: t.phase,
    action: t.action,
    outcome: byKey.get(t.key)?.outcome ?? 'skipped',
    message: byKey.get(t.key)?.message ?? (results.length ? undefined : t.reason),
  }));
}
