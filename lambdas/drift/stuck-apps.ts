/**
 * Per-app stuck notices: an app that stays OutOfSync or Degraded for `stuckMinutes` gets one
 * message (not one per drift pass); once it is neither, it is forgotten, so a later stuck spell
 * is told again. The drift Lambda keeps the records between its runs (StuckAppsStore).
 */
export type StuckStatus = 'OutOfSync' | 'Degraded';

export interface StuckRecord {
  app: string;
  status: StuckStatus;
  /** First drift pass that saw the app in this status (ISO time). */
  since: string;
  /** The notice was sent. */
  notified?: boolean;
}

export interface StuckNotice {
  app: string;
  status: StuckStatus;
  since: string;
  /** Whole minutes in this status so far. */
  minutes: number;
}

export function updateStuckApps(input: {
  previous: readonly StuckRecord[];
  current: ReadonlyArray<{ app: string; status: StuckStatus }>;
  now: Date;
  stuckMinutes: number;
}): { next: StuckRecord[]; notices: StuckNotice[] } {
  const key = (r: { app: string; status: StuckStatus }) => `${r.status}\0${r.app}`;
  const before = new Map(input.previous.map((r) => [key(r), r]));
  const next: StuckRecord[] = [];
  const notices: StuckNotice[] = [];
  const nowMs = input.now.getTime();
  for (const c of input.current) {
    const seen = before.get(key(c));
    const record: StuckRecord = seen ? { ...seen } : { ...c, since: input.now.toISOString() };
    const minutes = Math.floor((nowMs - Date.parse(record.since)) / 60_000);
    if (!record.notified && minutes >= input.stuckMinutes) {
      record.notified = true;
      notices.push({ app: c.app, status: c.status, since: record.since, minutes });
    }
    next.push(record);
  }
  return { next, notices };
}
