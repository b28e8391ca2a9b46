import { describe, expect, it } from 'vitest';
import { type StuckRecord, updateStuckApps } from '../../../lambdas/drift/stuck-apps.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 4, 10, minute));

/** Drift passes every 3 minutes over the given statuses; the notices of each pass. */
function passes(
  statuses: Array<Array<{ app: string; status: 'OutOfSync' | 'Degraded' }>>,
  stuckMinutes = 10,
) {
  let records: StuckRecord[] = [];
  return statuses.map((current, i) => {
    const { next, notices } = updateStuckApps({ previous: records, current, now: at(i * 3), stuckMinutes });
    records = next;
    return notices.map((n) => `${n.app} ${n.status} ${n.minutes}`);
  });
}

describe('updateStuckApps', () => {
  it('tells once when an app has been OutOfSync for the configured time', () => {
    const web = { app: 'web', status: 'OutOfSync' as const };
    expect(passes([[web], [web], [web], [web], [web], [web]])).toEqual([
      [],
      [],
      [],
      [],
      ['web OutOfSync 12'],
      [],
    ]);
  });

  it('forgets an app that recovered: a new spell starts from zero and is told again', () => {
    const db = { app: 'db', status: 'Degraded' as const };
    expect(passes([[db], [db], [], [db], [db], [db], [db]], 9)).toEqual([
      [],
      [],
      [],
      [],
      [],
      [],
      ['db Degraded 9'],
    ]);
  });

  it('counts OutOfSync and Degraded of one app apart, and apps apart', () => {
    const notices = passes(
      [
        [{ app: 'a', status: 'OutOfSync' }],
        [
          { app: 'a', status: 'OutOfSync' },
          { app: 'a', status: 'Degraded' },
          { app: 'b', status: 'Degraded' },
        ],
        [
          { app: 'a', status: 'OutOfSync' },
          { app: 'a', status: 'Degraded' },
          { app: 'b', status: 'Degraded' },
        ],
      ],
      3,
    );
    expect(notices).toEqual([[], ['a OutOfSync 3'], ['a Degraded 3', 'b Degraded 3']]);
  });
});
