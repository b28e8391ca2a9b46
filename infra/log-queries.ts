import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface LogQueriesProps {
  readonly logGroups: logs.ILogGroup[];
}

/**
 * Saved CloudWatch Logs Insights queries over the three functions' JSON logs. They rely on the keys
 * every syncwave log line uses: deliveryId, env, app, revision, wave, phase, outcome, durationMs.
 */
export class LogQueries extends Construct {
  readonly queries: logs.QueryDefinition[];

  constructor(scope: Construct, id: string, props: LogQueriesProps) {
    super(scope, id);
    const define = (name: string, query: logs.QueryString) =>
      new logs.QueryDefinition(this, name.replace(/\W+/g, ''), {
        queryDefinitionName: `syncwave/${name}`,
        queryString: query,
        logGroups: props.logGroups,
      });
    this.queries = [
      define(
        'What happened to my push',
        new logs.QueryString({
          fields: ['@timestamp', 'service', 'env', 'app', 'revision', 'wave', 'phase', 'outcome', 'message'],
          filterStatements: ['deliveryId = "REPLACE-WITH-DELIVERY-ID" or revision like /^REPLACE-WITH-SHA/'],
          sort: '@timestamp asc',
          limit: 500,
        }),
      ),
      define(
        'Failed syncs',
        new logs.QueryString({
          fields: ['@timestamp', 'env', 'app', 'revision', 'phase', 'message'],
          filterStatements: ['phase in ["Failed", "Error"] or outcome = "failed" or level = "ERROR"'],
          sort: '@timestamp desc',
          limit: 200,
        }),
      ),
      define(
        'Slowest syncs',
        new logs.QueryString({
          filterStatements: ['ispresent(durationMs) and ispresent(app)'],
          statsStatements: [
            'max(durationMs) as slowestMs, avg(durationMs) as avgMs, count(*) as syncs by env, app',
          ],
          sort: 'slowestMs desc',
          limit: 50,
        }),
      ),
      define(
        'Webhook deliveries',
        new logs.QueryString({
          fields: ['@timestamp', 'deliveryId', 'status', 'env', 'revision', 'message'],
          filterStatements: ['service = "syncwave-webhook"'],
          sort: '@timestamp desc',
          limit: 200,
        }),
      ),
      define(
        'Drift and self-heal',
        new logs.QueryString({
          fields: ['@timestamp', 'env', 'app', 'revision', 'message'],
          filterStatements: ['service = "syncwave-drift" and (message like /drift|self-heal|OutOfSync/)'],
          sort: '@timestamp desc',
          limit: 200,
        }),
      ),
    ];
  }
}
