import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, SERVICE } from '../adapters/aws/metric-names.ts';

export interface MonitoringProps {
  readonly webhook: lambda.IFunction;
  readonly worker: lambda.IFunction;
  readonly drift: lambda.IFunction;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
}

const custom = (service: string, metricName: string, statistic: string) =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service },
    statistic,
    period: Duration.minutes(5),
  });

/** Alarms (dead letters, sync failures, worker errors) and one dashboard. Alarms have no actions: wire them to SNS as you like. */
export class Monitoring extends Construct {
  readonly deadLettersAlarm: cloudwatch.Alarm;
  readonly syncFailuresAlarm: cloudwatch.Alarm;
  readonly workerErrorsAlarm: cloudwatch.Alarm;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const syncFailures = custom(SERVICE.worker, METRIC.syncFailures, 'Sum');
    this.deadLettersAlarm = new cloudwatch.Alarm(this, 'DeadLetters', {
      alarmDescription:
        'syncwave jobs failed every retry and wait in the dead-letter queue: read the worker logs for their job ids.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.syncFailuresAlarm = new cloudwatch.Alarm(this, 'SyncFailures', {
      alarmDescription:
        'An app sync failed: run the "syncwave/Failed syncs" Logs Insights query or `syncwave app get`.',
      metric: syncFailures,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.workerErrorsAlarm = new cloudwatch.Alarm(this, 'WorkerErrors', {
      alarmDescription:
        'The worker Lambda threw (crash or timeout): its jobs are retried, then dead-lettered.',
      metric: props.worker.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [this.deadLettersAlarm, this.syncFailuresAlarm, this.workerErrorsAlarm],
        width: 24,
        height: 3,
      }),
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
          custom(SERVICE.drift, METRIC.driftCorrections, 'Sum'),
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
