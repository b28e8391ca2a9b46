import type { Health, KubeObject } from '../model.ts';
import { conditionsOf } from './find-condition.ts';

/**
 * Argo CD's Job health (gitops-engine health_job.go): a Failed condition is Degraded, Complete
 * is Healthy, Suspended=True is Suspended, anything else Progressing. Unlike Argo CD, a
 * Suspended=False condition (a resumed Job) does not count as finished.
 */
export function jobHealth(job: KubeObject): Health {
  let failed: string | undefined;
  let complete: string | undefined;
  let suspended: string | undefined;
  for (const c of conditionsOf(job)) {
    if (c.type === 'Failed') failed = c.message ?? '';
    else if (c.type === 'Complete') complete = c.message ?? '';
    else if (c.type === 'Suspended' && c.status === 'True') suspended = c.message ?? '';
  }
  if (failed !== undefined) return { status: 'Degraded', message: failed || 'Job failed' };
  if (suspended !== undefined) return { status: 'Suspended', message: suspended || 'Job is suspended' };
  if (complete !== undefined) return { status: 'Healthy', message: complete || undefined };
  return { status: 'Progressing' };
}
