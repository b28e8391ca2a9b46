import type { HistoryEntry } from '../../engine/index.ts';
import { statusColour } from './colour.ts';
import { relativeTime, shortSha } from './relative-time.ts';
import { renderTable } from './table.ts';

/** `app history NAME`: newest first, with the id `app rollback` takes. */
export function historyTable(entries: readonly HistoryEntry[], now: Date): string {
  if (entries.length === 0) return 'No history yet: the app has never been synced.';
  return renderTable(
    [
      { header: 'id', value: (h: HistoryEntry) => String(h.id) },
      { header: 'revision', value: (h) => shortSha(h.revision) },
      { header: 'initiator', value: (h) => h.initiator + (h.dryRun ? ' (dry run)' : '') },
      { header: 'phase', value: (h) => statusColour(h.phase) },
      { header: 'health', value: (h) => statusColour(h.health.status) },
      { header: 'finished', value: (h) => relativeTime(h.finishedAt, now) },
      { header: 'message', value: (h) => h.message },
    ],
    entries,
  );
}
