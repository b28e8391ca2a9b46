import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, SERVICE } from '../adapters/aws/metric-names.ts';

export interface MonitoringProps {
  readonly webhook: lambda.IFunction;
  readonly worker: lambda.IFunction;
  readonly drift: lambda.IFunction;
  readonly api: apigwv2.HttpApi;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** Every alarm notifies it (alarm and OK). */
  readonly topic: sns.ITopic;
  /** An app OutOfSync or Degraded this long raises an alarm. */
  readonly appStuckMinutes: number;
}

/** The period of the drift metrics' alarms: the drift check runs every few minutes. */
const DRIFT_PERIOD = Duration.minutes(5);

const custom = (service: string, metricName: string, statistic: string, period = Duration.minutes(5)) =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service },
    statistic,
    period,
  });

/**
 * Alarms and one dashboard. Every alarm notifies the stack's SNS topic (alarm and back to OK); the
 * worker also publishes one message per failed sync to it (adapters/aws/sns-sync-notifier.ts).
 */
export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const alarm = (
      name: string,
      p: Omit<cloudwatch.AlarmProps, 'comparisonOperator' | 'treatMissingData' | 'evaluationPeriods'> &
        Partial<Pick<cloudwatch.AlarmProps, 'evaluationPeriods' | 'datapointsToAlarm'>>,
      comparison = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) => {
      const a = new cloudwatch.Alarm(this, name, {
        evaluationPeriods: 1,
        comparisonOperator: comparison,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...p,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms.push(a);
      return a;
    };

    const syncFailures = custom(SERVICE.worker, METRIC.syncFailures, 'Sum');
    alarm(
      'DeadLetters',
      {
        alarmDescription:
          'syncwave jobs failed every retry and wait in the dead-letter queue: read the worker logs for their job ids.',
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
      },
      cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    );
    alarm('SyncFailures', {
      alarmDescription:
        'An app sync failed: the topic has a message per failed sync; `syncwave app get NAME --aws` shows it.',
      metric: syncFailures,
      threshold: 1,
    });
    alarm('WorkerErrors', {
      alarmDescription:
        'The worker Lambda threw (crash or timeout): its jobs are retried, then dead-lettered.',
      metric: props.worker.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
    });
    alarm('DriftReadErrors', {
      alarmDescription:
        'The drift checker could not read an app’s objects (usually 403: the observer RBAC lacks a kind; see infra/eks-bootstrap-rbac.yaml). The app shows Unknown with the reason.',
      metric: custom(SERVICE.drift, METRIC.driftReadErrors, 'Maximum', DRIFT_PERIOD),
      threshold: 1,
    });
    alarm('DriftErrors', {
      alarmDescription:
        'The drift Lambda failed for an environment (cluster or Git unreachable): read its logs.',
      metric: props.drift.metricErrors({ period: DRIFT_PERIOD, statistic: 'Sum' }),
      threshold: 1,
    });
    alarm('WebhookServerErrors', {
      alarmDescription:
        'The webhook endpoint answered 5xx: GitHub’s pushes are not queued (GitHub shows the failed deliveries; redeliver them after the fix).',
      metric: props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
    });
    const stuckPeriods = Math.max(1, Math.ceil(props.appStuckMinutes / DRIFT_PERIOD.toMinutes()));
    for (const [name, metricName, what] of [
      ['AppsOutOfSync', METRIC.appsOutOfSync, 'OutOfSync'],
      ['AppsDegraded', METRIC.appsDegraded, 'Degraded'],
    ] as const) {
      alarm(name, {
        alarmDescription: `An app has been ${what} for ${props.appStuckMinutes} minutes or more: \`syncwave app list --aws\` names it.`,
        metric: custom(SERVICE.drift, metricName, 'Minimum', DRIFT_PERIOD),
        threshold: 1,
        evaluationPeriods: stuckPeriods,
        datapointsToAlarm: stuckPeriods,
      });
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Syncs',
        left: [syncFailures, custom(SERVICE.webhook, METRIC.jobsQueued, 'Sum')],
        right: [custom(SERVICE.worker, METRIC.syncDuration, 'p90')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Drift',
        left: [
          custom(SERVICE.drift, METRIC.appsOutOfSync, 'Maximum'),
          custom(SERVICE.drift, METRIC.appsDegraded, 'Maximum'),
          custom(SERVICE.drift, METRIC.driftCorrections, 'Sum'),
          custom(SERVICE.drift, METRIC.driftReadErrors, 'Maximum'),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Job queue',
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible(),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
        ],
        right: [props.queue.metricApproximateAgeOfOldestMessage()],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      ...[props.webhook, props.worker, props.drift].map(
        (fn, i) =>
          new cloudwatch.GraphWidget({
            title: ['Webhook', 'Worker', 'Drift'][i],
            left: [fn.metricInvocations(), fn.metricErrors(), fn.metricThrottles()],
            right: [fn.metricDuration({ statistic: 'p99' })],
            width: 8,
          }),
      ),
    );
  }
}
