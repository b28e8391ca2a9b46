import type { Health, Initiator, OperationPhase, Outcome, PlanAction, SyncPhase } from './model.ts';

export interface HistoryResource {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  wave: number;
  phase: SyncPhase;
  action: PlanAction;
  outcome: Outcome;
  message?: string;
}

/** One sync = one history entry. */
export interface HistoryEntry {
  /** Increasing per app, assigned by the store. */
  id: number;
  env: string;
  app: string;
  revision: string;
  initiator: Initiator;
  /** The webhook delivery or job id that caused it. */
  deliveryId?: string;
  startedAt: string;
  finishedAt: string;
  phase: OperationPhase;
  message: string;
  health: Health;
  resources: HistoryResource[];
  dryRun?: boolean;
}
