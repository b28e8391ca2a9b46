import { shortRevision } from '../../engine/index.ts';
/** "3m ago" style ages for tables: seconds, minutes, hours, days. */
export function relativeTime(iso: string | undefined, now: Date): string {
  if (!iso) return '-';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds)) return '-';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

/** The first 7 characters of a SHA, '-' when absent. */
export function shortSha(sha: string | undefined): string {
  return sha ? shortRevision(sha) : '-';
}
