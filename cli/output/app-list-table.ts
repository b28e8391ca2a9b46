import type { AppState } from '../../engine/index.ts';
import { statusColour } from './colour.ts';
import { relativeTime, shortSha } from './relative-time.ts';
import { renderTable } from './table.ts';

/** `app list`: name, env, sync status, health, revision, last sync. */
export function appListTable(apps: readonly AppState[], now: Date): string {
  if (apps.length === 0)
    return 'No apps yet: push to an environment branch, or run `syncwave app sync NAME`.';
  return renderTable(
    [
      { header: 'name', value: (a: AppState) => a.app },
      { header: 'env', value: (a) => a.env },
      { header: 'wave', value: (a) => (a.wave === undefined ? '-' : String(a.wave)) },
      { header: 'sync', value: (a) => statusColour(a.syncStatus) },
      { header: 'health', value: (a) => statusColour(a.health.status) },
      { header: 'revision', value: (a) => shortSha(a.revision) + (a.automationPaused ? ' (paused)' : '') },
      { header: 'last sync', value: (a) => lastSync(a, now) },
    ],
    apps,
  );
}

function lastSync(app: AppState, now: Date): string {
  const op = app.lastOperation;
  if (!op) return '-';
  return `${statusColour(op.phase)} ${relativeTime(op.finishedAt ?? op.startedAt, now)}`;
}

/** `app list --watch`: one line per change of sync status or health. */
export function appWatchLine(app: AppState, now: Date): string {
  return [
    now.toISOString().slice(11, 19),
    `${app.env}/${app.app}`,
    statusColour(app.syncStatus),
    statusColour(app.health.status),
    shortSha(app.revision),
    app.health.message ?? '',
  ]
    .filter(Boolean)
    .join('  ');
}
