import { errorMessage } from '../errors.ts';
import { describeObject } from '../object-key.ts';
import type { SyncTask, TaskResult } from '../operation.ts';
import type { Cluster } from '../ports.ts';

const POLICY = { foreground: 'Foreground', background: 'Background', orphan: 'Orphan' } as const;

/**
 * Deletes what Git no longer renders, in the plan's (reverse wave and kind) order.
 * Only `prune` tasks delete; `keep` tasks are reported as kept with their reason.
 */
export async function pruneObjects(
  tasks: readonly SyncTask[],
  opts: { cluster: Cluster; propagation: keyof typeof POLICY },
): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  for (const task of tasks) {
    if (task.action === 'keep') {
      results.push({ key: task.key, outcome: 'kept', message: task.reason });
      continue;
    }
    if (task.action !== 'prune') continue;
    try {
      await opts.cluster.delete(task.apiVersion, task.kind, task.name, task.namespace, {
        propagationPolicy: POLICY[opts.propagation],
      });
      results.push({ key: task.key, outcome: 'pruned' });
    } catch (error) {
      results.push({
        key: task.key,
        outcome: 'failed',
        message: `${describeObject(task)}: prune failed: ${errorMessage(error)}`,
      });
    }
  }
  return results;
}
