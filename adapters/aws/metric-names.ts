/**
 * CloudWatch metric names shared by the Lambdas (Powertools Metrics, EMF) and the CDK stack's
 * alarms and dashboard. Powertools adds the dimension `service` = the function's service name.
 */
export const METRICS_NAMESPACE = 'syncwave';

export const SERVICE = { webhook: 'webhook', worker: 'worker', drift: 'drift' } as const;

export const METRIC = {
  /** webhook: jobs put on the queue. */
  jobsQueued: 'JobsQueued',
  /** worker: app syncs that ended Failed or Error. */
  syncFailures: 'SyncFailures',
  /** worker: milliseconds per app sync. */
  syncDuration: 'SyncDuration',
  /** drift: apps found OutOfSync in one check. */
  appsOutOfSync: 'AppsOutOfSync',
  /** drift: self-heal jobs queued. */
  driftCorrections: 'DriftCorrections',
  /** drift: apps whose live objects could not be read (e.g. 403): marked Unknown. */
  driftReadErrors: 'DriftReadErrors',
  /** drift: apps whose health is Degraded in one check. */
  appsDegraded: 'AppsDegraded',
} as const;
