import type { OperationPhase } from '../model.ts';
import type { SyncPlan, TaskResult } from '../operation.ts';

/** "successfully synced (2 configured, 1 unchanged)": each outcome counted over the plan's tasks. Pure. */
export function summarizeSync(plan: SyncPlan, results: ReadonlyMap<string, TaskResult>): string {
  const counts = new Map<string, number>();
  for (const t of plan.tasks) {
    const outcome = results.get(t.key)?.outcome ?? 'skipped';
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  const parts = [...counts].map(([k, n]) => `${n} ${k}`);
  return `successfully synced (${parts.join(', ') || 'no objects'})`;
}

/**
 * How a sync that applied every group ends: Failed with the failed tasks' messages when any
 * task failed (a prune), else Succeeded with the summary. Pure.
 */
export function syncOutcome(
  plan: SyncPlan,
  results: ReadonlyMap<string, TaskResult>,
): { phase: Extract<OperationPhase, 'Succeeded' | 'Failed'>; message: string } {
  const failed = [...results.values()].filter((r) => r.outcome === 'failed');
  if (failed.length) return { phase: 'Failed', message: failed.map((f) => f.message).join('; ') };
  return { phase: 'Succeeded', message: summarizeSync(plan, results) };
}
