import type { Health, OperationPhase } from '../model.ts';
import type { SyncOperation, SyncPlan, TaskResult } from '../operation.ts';
import type { Comparison } from './compare-live.ts';

/** How one call of syncApp ended: to be continued, a dry run's plan, or done with a phase. */
export type SyncAppResult =
  | { status: 'continue'; operation: SyncOperation; message: string }
  | { status: 'dry-run'; plan: SyncPlan; comparison: Comparison }
  | {
      status: 'done';
      phase: OperationPhase;
      message: string;
      plan: SyncPlan;
      health: Health;
      historyId: number;
      results: TaskResult[];
    };
