/**
 * The drift Lambda (EventBridge Scheduler, `rate(3 minutes)` by default): per environment, a branch
 * head that moved without a webhook becomes a `poll` job, and an app whose live state drifted from
 * its last synced desired state becomes a `self-heal` job (engine/drift/check-drift.ts). Jobs go
 * to the same FIFO queue as the webhook's, so they run in order with pushes.
 *
 * Environment: see lambdas/shared/sync-config.ts (the CDK stack sets it).
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { METRIC, METRICS_NAMESPACE, SERVICE } from '../../adapters/aws/metric-names.ts';
import { SnsSyncNotifier } from '../../adapters/aws/sns-sync-notifier.ts';
import { StuckAppsStore } from '../../adapters/aws/stuck-apps-store.ts';
import { checkDrift, type Environment } from '../../engine/index.ts';
import { syncConfigFromEnv } from '../shared/sync-config.ts';
import { createSyncRuntime } from '../shared/sync-deps.ts';
import { type StuckStatus, updateStuckApps } from './stuck-apps.ts';

const logger = new Logger({ serviceName: 'syncwave-drift' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE.drift });
const runtime = createSyncRuntime(syncConfigFromEnv(process.env), { logger, service: 'drift' });
// A message per app stuck OutOfSync or Degraded, when the stack gives a topic and a time.
const stuck =
  runtime.config.alarmTopicArn && runtime.config.appStuckMinutes
    ? {
        minutes: runtime.config.appStuckMinutes,
        notifier: new SnsSyncNotifier({ client: new SNSClient({}), topicArn: runtime.config.alarmTopicArn }),
        store: new StuckAppsStore({ client: new DynamoDBClient({}), tableName: runtime.config.tableName }),
      }
    : undefined;

/** Records how long each app has been OutOfSync or Degraded; tells the topic once per spell. */
async function noticeStuckApps(env: string, current: Array<{ app: string; status: StuckStatus }>) {
  if (!stuck) return;
  try {
    const previous = await stuck.store.get(env);
    const { next, notices } = updateStuckApps({
      previous,
      current,
      now: new Date(),
      stuckMinutes: stuck.minutes,
    });
    for (const n of notices) {
      await stuck.notifier.appStuck({ env, ...n });
      logger.warn('app stuck: notified', {
        env,
        app: n.app,
        outcome: n.status,
        detail: `${n.minutes} minutes`,
      });
    }
    if (JSON.stringify(next) !== JSON.stringify(previous)) await stuck.store.put(env, next);
  } catch (err) {
    // The alarms on AppsOutOfSync/AppsDegraded still fire; the drift check itself went through.
    logger.error('stuck-app notice failed', { env, error: err as Error });
  }
}

export interface DriftCheckSummary {
  environments: Array<{
    env: string;
    head?: string;
    outOfSync: string[];
    /** Apps whose live state could not be read (marked Unknown), with the reason. */
    unknown: Array<{ app: string; reason: string }>;
    degraded: string[];
    jobs: Array<{ id: string; reason: string; apps?: string[] }>;
    error?: string;
  }>;
}

/** The schedule's payload is not used: every run checks every environment. */
export async function handler(event: unknown, context?: Context): Promise<DriftCheckSummary> {
  if (context) logger.addContext(context);
  const scheduledTime = (event as { time?: string } | undefined)?.time;
  const summary: DriftCheckSummary = { environments: [] };
  let outOfSync = 0;
  let corrections = 0;
  let readErrors = 0;
  let degradedTotal = 0;
  try {
    const deps = await runtime.deps();
    for (const deployed of runtime.config.environments) {
      const started = Date.now();
      const env: Environment = {
        name: deployed.name,
        branch: deployed.branch,
        cluster: deployed.cluster,
        ...(deployed.namespacePrefix ? { namespacePrefix: deployed.namespacePrefix } : {}),
      };
      try {
        const report = await checkDrift(env, deps, { repo: runtime.config.repo });
        for (const job of report.jobs) await runtime.queue.send(job);
        const selfHeal = report.jobs.filter((j) => j.reason === 'self-heal').length;
        const degraded = (await runtime.state.listApps(env.name))
          .filter((a) => a.health.status === 'Degraded')
          .map((a) => a.app);
        // Per environment ({service, env}); the dashboard and alarms read the totals ({service}) below.
        // (A single metric is published by its addMetric: one per value.)
        for (const [name, value] of [
          [METRIC.appsOutOfSync, report.outOfSync.length],
          [METRIC.driftReadErrors, report.unknown.length],
          [METRIC.appsDegraded, degraded.length],
        ] as const) {
          const perEnv = metrics.singleMetric();
          perEnv.addDimension('env', env.name);
          perEnv.addMetric(name, MetricUnit.Count, value);
        }
        await noticeStuckApps(env.name, [
          ...report.outOfSync.map((app) => ({ app, status: 'OutOfSync' as const })),
          ...degraded.map((app) => ({ app, status: 'Degraded' as const })),
        ]);
        outOfSync += report.outOfSync.length;
        corrections += selfHeal;
        readErrors += report.unknown.length;
        degradedTotal += degraded.length;
        for (const u of report.unknown) {
          logger.error('app not drift-checked: marked Unknown', {
            env: env.name,
            app: u.app,
            outcome: 'unknown',
            detail: u.reason,
          });
        }
        logger.info('drift checked', {
          env: env.name,
          revision: report.head,
          outOfSync: report.outOfSync,
          jobs: report.jobs.map((j) => j.id),
          outcome: report.jobs.length ? 'queued' : 'in-sync',
          durationMs: Date.now() - started,
          ...(scheduledTime ? { scheduledTime } : {}),
        });
        summary.environments.push({
          env: env.name,
          head: report.head,
          outOfSync: report.outOfSync,
          unknown: report.unknown,
          degraded,
          jobs: report.jobs.map((j) => ({ id: j.id, reason: j.reason, ...(j.apps ? { apps: j.apps } : {}) })),
        });
      } catch (err) {
        // One environment's failure (a cluster down, a bad token) must not hide the others.
        logger.error('drift check failed', {
          env: env.name,
          error: err as Error,
          outcome: 'error',
          durationMs: Date.now() - started,
        });
        summary.environments.push({
          env: env.name,
          outOfSync: [],
          unknown: [],
          degraded: [],
          jobs: [],
          error: (err as Error).message,
        });
      }
    }
  } finally {
    metrics.addMetric(METRIC.appsOutOfSync, MetricUnit.Count, outOfSync);
    metrics.addMetric(METRIC.driftCorrections, MetricUnit.Count, corrections);
    metrics.addMetric(METRIC.driftReadErrors, MetricUnit.Count, readErrors);
    metrics.addMetric(METRIC.appsDegraded, MetricUnit.Count, degradedTotal);
    metrics.publishStoredMetrics();
    const { cacheBytes } = await runtime.cleanup();
    logger.info('checkouts removed', { cacheBytes });
  }
  const failed = summary.environments.filter((e) => e.error);
  if (failed.length) {
    // The invocation fails (the Errors alarm sees it) after every environment was tried.
    throw new Error(`drift check failed for ${failed.map((e) => `${e.env}: ${e.error}`).join('; ')}`);
  }
  return summary;
}
