/**
 * How many history entries an app keeps after an append: at least the one just added,
 * whatever `keep` says (an entry the caller was handed back must be readable).
 */
export function historyKeep(keep: number): number {
  return Number.isFinite(keep) ? Math.max(1, Math.floor(keep)) : 1;
}
