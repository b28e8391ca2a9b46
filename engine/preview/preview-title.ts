import { shortRevision } from '../short-revision.ts';
import type { AppPreview, PreviewReport } from './preview-report.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Objects a merge would touch in an app (create, update, prune, orphan). */
export function changeCount(app: AppPreview): number {
  return app.status === 'render-failed' ? 0 : app.objects.length;
}

/** One line for a check run's title, a log, a job result: `prod: 2 changes in frontend, backend`. */
export function previewTitle(report: PreviewReport): string {
  const at = `${report.env} at ${shortRevision(report.revision)}`;
  const failed = report.apps.filter((a) => a.status === 'render-failed' || a.status === 'rejected');
  if (report.outcome === 'failed') {
    if (!failed.length) return `${at}: preview failed: ${report.notes.join('; ')}`;
    return `${at}: ${failed.map((a) => `${a.app} ${a.status === 'rejected' ? 'rejected by the API server' : 'does not render'}`).join(', ')}`;
  }
  const changed = report.apps.filter((a) => changeCount(a) > 0);
  if (!changed.length) return `${at}: no changes${report.apps.length ? '' : ' (no app affected)'}`;
  const total = changed.reduce((n, a) => n + changeCount(a), 0);
  return `${at}: ${plural(total, 'change')} in ${changed.map((a) => a.app).join(', ')}`;
}
