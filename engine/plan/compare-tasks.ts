import type { SyncPhase } from '../model.ts';
import type { SyncTask } from '../operation.ts';
import { kindRank } from './kind-order.ts';

const PHASE_RANK: Record<SyncPhase, number> = { PreSync: 0, Sync: 1, PostSync: 2, SyncFail: 3 };

/**
 * The one comparator that owns ordering: phase, then wave, then kind order, then
 * namespace and name. Prune tasks sort after everything else, in reverse wave and kind order.
 */
export function compareTasks(a: SyncTask, b: SyncTask): number {
  const aPrune = a.action === 'prune' || a.action === 'keep' ? 1 : 0;
  const bPrune = b.action === 'prune' || b.action === 'keep' ? 1 : 0;
  if (aPrune !== bPrune) return aPrune - bPrune;
  const sign = aPrune ? -1 : 1;
  return (
    PHASE_RANK[a.phase] - PHASE_RANK[b.phase] ||
    sign * (a.wave - b.wave) ||
    sign * (kindRank(a.kind) - kindRank(b.kind)) ||
    (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
    a.name.localeCompare(b.name)
  );
}
