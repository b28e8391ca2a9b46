import type { Source } from '../ports.ts';
import type { AppState } from '../state.ts';

/**
 * Per app, the paths changed between the revision it last synced and the tip ('all' when
 * the source cannot tell, or the app never synced). One comparison per distinct revision.
 */
export async function changesSince(
  states: ReadonlyMap<string, AppState>,
  tip: string,
  source: Pick<Source, 'changedPaths'>,
): Promise<Map<string, string[] | 'all'>> {
  const byRevision = new Map<string, Promise<string[] | 'all'>>();
  const out = new Map<string, string[] | 'all'>();
  for (const [app, state] of states) {
    const from = state.syncedRevision;
    if (!from) continue;
    if (from === tip) {
      out.set(app, []);
      continue;
    }
    let changed = byRevision.get(from);
    if (!changed) {
      changed = (async () => (await source.changedPaths?.(from, tip).catch(() => undefined)) ?? 'all')();
      byRevision.set(from, changed);
    }
    out.set(app, await changed);
  }
  return out;
}
