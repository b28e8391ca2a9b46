import type { AppState, ResourceStatus, SyncOperation } from '../../engine/index.ts';
import { colours, statusColour } from './colour.ts';
import { relativeTime, shortSha } from './relative-time.ts';
import { renderTable } from './table.ts';

/** What `GET /api/apps/NAME` answers. */
export interface AppDetail {
  app: AppState;
  /** The sync in flight, if any. */
  operation?: SyncOperation;
  /** For anything not Healthy: the reason down the chain (Deployment -> ReplicaSet -> Pod -> container). */
  explain?: string[];
}

/** `app get NAME`: a summary, the last operation, resources, and why anything is unhealthy. */
export function appDetailView(detail: AppDetail, now: Date): string {
  const { app } = detail;
  const lines = [
    `Name:          ${app.app}`,
    `Environment:   ${app.env}`,
    `Path:          ${app.path ?? '-'}`,
    `Namespace:     ${app.namespace ?? '-'}`,
    `Wave:          ${app.wave ?? '-'}`,
    `Revision:      ${shortSha(app.revision)}${app.syncedRevision && app.syncedRevision !== app.revision ? ` (last good ${shortSha(app.syncedRevision)})` : ''}`,
    `Sync Status:   ${statusColour(app.syncStatus)}`,
    `Health:        ${statusColour(app.health.status)}${app.health.message ? ` - ${app.health.message}` : ''}`,
  ];
  if (app.comparisonError)
    lines.push(`Condition:     ${colours.yellow('ComparisonError')} ${app.comparisonError}`);
  if (app.automationPaused)
    lines.push(
      `Automation:    ${colours.yellow('paused')} (after a rollback; run \`syncwave app resume ${app.app}\`)`,
    );
  const op = app.lastOperation;
  if (op) {
    lines.push(
      `Last Sync:     ${statusColour(op.phase)} ${op.initiator} ${shortSha(op.revision)} ${relativeTime(op.finishedAt ?? op.startedAt, now)}`,
      `Message:       ${op.message}`,
    );
  }
  if (detail.operation) {
    const o = detail.operation;
    lines.push(`Operation:     ${statusColour(o.phase)} ${o.stage} (group ${o.groupIndex}) - ${o.message}`);
  }
  if (app.resources.length > 0) {
    lines.push('', resourceTable(app.resources));
  }
  if (detail.explain && detail.explain.length > 0) {
    lines.push('', colours.bold('Why not healthy:'), ...detail.explain.map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

function resourceTable(resources: readonly ResourceStatus[]): string {
  return renderTable(
    [
      { header: 'wave', value: (r: ResourceStatus) => String(r.wave) },
      { header: 'kind', value: (r) => r.kind },
      { header: 'namespace', value: (r) => r.namespace ?? '' },
      { header: 'name', value: (r) => r.name },
      { header: 'status', value: (r) => statusColour(r.syncStatus) },
      { header: 'health', value: (r) => statusColour(r.health?.status) },
      { header: 'message', value: (r) => r.health?.message ?? r.message ?? '' },
    ],
    resources,
  );
}
