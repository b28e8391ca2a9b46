import { fileURLToPath } from 'node:url';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { CfnOutput, Duration, SecretValue, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { SERVICE } from '../adapters/aws/metric-names.ts';
import { EksAccess } from './eks-access.ts';
import { JobQueue } from './job-queue.ts';
import { LogQueries } from './log-queries.ts';
import { Monitoring } from './monitoring.ts';
import { StateStorage } from './state-storage.ts';
import type { SyncwaveConfig } from './syncwave-config.ts';
import { SyncwaveFunction } from './syncwave-function.ts';

export interface SyncwaveStackProps extends StackProps {
  readonly config: SyncwaveConfig;
  /** Project root (package-lock.json, lambdas/); the repository root unless told. */
  readonly projectRoot?: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/**
 * syncwave on AWS: webhook (HTTP API) -> SQS FIFO -> worker -> EKS; drift checker on a schedule;
 * state in DynamoDB and S3; secrets in Secrets Manager; alarms, a dashboard and saved log queries.
 */
export class SyncwaveStack extends Stack {
  readonly webhook: SyncwaveFunction;
  readonly worker: SyncwaveFunction;
  readonly drift: SyncwaveFunction;
  readonly api: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: SyncwaveStackProps) {
    super(scope, id, props);
    const { config } = props;
    const root = props.projectRoot ?? ROOT;
    const retention = config.logRetentionDays as logs.RetentionDays;
    const workerTimeout = Duration.seconds(config.workerTimeoutSeconds);

    for (const env of config.environments) {
      if (env.region && !Token.isUnresolved(this.region) && env.region !== this.region) {
        throw new Error(
          `environments[${env.name}].region is ${env.region} but the stack deploys to ${this.region}: EKS access entries are created in the stack's region. Deploy one stack per region.`,
        );
      }
    }

    const storage = new StateStorage(this, 'State');
    const jobs = new JobQueue(this, 'Queue', { consumerTimeout: workerTimeout });

    const webhookSecret = config.webhookSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(this, 'WebhookSecret', config.webhookSecretArn)
      : new secretsmanager.Secret(this, 'WebhookSecret', {
          description:
            'syncwave: the GitHub/GitLab webhook secret. Paste its value into the webhook settings.',
          generateSecretString: { passwordLength: 40, excludePunctuation: true },
        });
    const gitToken = config.gitTokenSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(this, 'GitToken', config.gitTokenSecretArn)
      : new secretsmanager.Secret(this, 'GitToken', {
          description:
            'syncwave: token for reading the GitOps repository and posting commit statuses. Replace the placeholder: aws secretsmanager put-secret-value --secret-id <arn> --secret-string <token>',
          secretStringValue: SecretValue.unsafePlainText('REPLACE-WITH-A-GITHUB-TOKEN'),
        });

    const environments = JSON.stringify(
      config.environments.map((e) => ({
        name: e.name,
        branch: e.branch,
        cluster: e.clusterName,
        region: e.region ?? this.region,
        ...(e.namespacePrefix ? { namespacePrefix: e.namespacePrefix } : {}),
      })),
    );
    const common = {
      SYNCWAVE_ENVIRONMENTS: environments,
      SYNCWAVE_QUEUE_URL: jobs.queue.queueUrl,
      SYNCWAVE_REPO: config.repo,
    };
    const syncEnv = {
      ...common,
      SYNCWAVE_TABLE_NAME: storage.table.tableName,
      SYNCWAVE_BUCKET_NAME: storage.bucket.bucketName,
      SYNCWAVE_GIT_TOKEN_SECRET_ID: gitToken.secretArn,
      SYNCWAVE_HISTORY_LIMIT: String(config.historyLimit),
      ...(config.githubApiUrl ? { SYNCWAVE_GITHUB_API_URL: config.githubApiUrl } : {}),
      // The kubectl/helm layer installs to /opt; helm needs writable homes, and only /tmp is.
      SYNCWAVE_KUBECTL: '/opt/kubectl/kubectl',
      SYNCWAVE_HELM: '/opt/helm/helm',
      HOME: '/tmp',
      HELM_CACHE_HOME: '/tmp/helm/cache',
      HELM_CONFIG_HOME: '/tmp/helm/config',
      HELM_DATA_HOME: '/tmp/helm/data',
    };

    const vpc = config.vpc
      ? {
          vpc: ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
            vpcId: config.vpc.vpcId,
            availabilityZones: this.availabilityZones,
          }),
          subnets: config.vpc.subnetIds.map((id, i) => ec2.Subnet.fromSubnetId(this, `Subnet${i}`, id)),
          securityGroups: config.vpc.securityGroupIds?.map((id, i) =>
            ec2.SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${i}`, id),
          ),
        }
      : undefined;
    const kubectlLayer = new KubectlV36Layer(this, 'KubectlLayer');

    this.webhook = new SyncwaveFunction(this, 'Webhook', {
      entry: `${root}/lambdas/webhook/handler.ts`,
      description: 'syncwave webhook: verifies a push and queues one job per environment',
      service: SERVICE.webhook,
      memorySize: 512,
      timeout: Duration.seconds(10),
      logRetention: retention,
      projectRoot: root,
      environment: { ...common, SYNCWAVE_WEBHOOK_SECRET_ID: webhookSecret.secretArn },
    });
    this.worker = new SyncwaveFunction(this, 'Worker', {
      entry: `${root}/lambdas/worker/handler.ts`,
      description: 'syncwave worker: syncs an environment to a revision, wave by wave',
      service: SERVICE.worker,
      memorySize: 1769,
      timeout: workerTimeout,
      logRetention: retention,
      projectRoot: root,
      layers: [kubectlLayer],
      vpc,
      environment: syncEnv,
    });
    this.drift = new SyncwaveFunction(this, 'Drift', {
      entry: `${root}/lambdas/drift/handler.ts`,
      description: 'syncwave drift checker: missed webhooks and live drift, on a schedule',
      service: SERVICE.drift,
      memorySize: 1024,
      timeout: Duration.minutes(2),
      logRetention: retention,
      projectRoot: root,
      layers: [kubectlLayer],
      vpc,
      environment: syncEnv,
    });

    // Least privilege, per function.
    jobs.queue.grantSendMessages(this.webhook.fn);
    webhookSecret.grantRead(this.webhook.fn);

    storage.table.grantReadWriteData(this.worker.fn);
    storage.bucket.grantRead(this.worker.fn);
    storage.bucket.grantPut(this.worker.fn);
    jobs.queue.grantSendMessages(this.worker.fn); // follow-up messages for long syncs
    gitToken.grantRead(this.worker.fn);
    this.worker.fn.addEventSource(
      new SqsEventSource(jobs.queue, { batchSize: 5, reportBatchItemFailures: true }),
    );

    storage.table.grantReadWriteData(this.drift.fn);
    storage.bucket.grantRead(this.drift.fn);
    jobs.queue.grantSendMessages(this.drift.fn);
    gitToken.grantRead(this.drift.fn);

    const clusterNames = [...new Set(config.environments.map((e) => e.clusterName))].sort();
    const describeClusters = new iam.PolicyStatement({
      actions: ['eks:DescribeCluster'],
      resources: clusterNames.map((name) =>
        Stack.of(this).formatArn({ service: 'eks', resource: 'cluster', resourceName: name }),
      ),
    });
    this.worker.fn.addToRolePolicy(describeClusters);
    this.drift.fn.addToRolePolicy(describeClusters);
    new EksAccess(this, 'EksAccess', {
      clusterNames,
      deployer: this.worker.fn.role!,
      observer: this.drift.fn.role!,
      clusterAdmin: config.clusterAdmin,
    });

    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'syncwave webhook endpoint',
      createDefaultStage: true,
    });
    this.api.addRoutes({
      path: '/webhook',
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration('Webhook', this.webhook.fn),
    });
    const stage = this.api.defaultStage?.node.defaultChild as apigwv2.CfnStage;
    stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 20 };

    new scheduler.Schedule(this, 'DriftSchedule', {
      description: 'syncwave drift check',
      schedule: scheduler.ScheduleExpression.expression(config.driftSchedule),
      target: new LambdaInvoke(this.drift.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(2) }),
    });

    new Monitoring(this, 'Monitoring', {
      webhook: this.webhook.fn,
      worker: this.worker.fn,
      drift: this.drift.fn,
      queue: jobs.queue,
      deadLetterQueue: jobs.deadLetterQueue,
    });
    new LogQueries(this, 'LogQueries', {
      logGroups: [this.webhook.logGroup, this.worker.logGroup, this.drift.logGroup],
    });

    new CfnOutput(this, 'WebhookUrl', {
      value: `${this.api.apiEndpoint}/webhook`,
      description: 'Payload URL for the GitHub webhook (content type application/json, push events)',
    });
    new CfnOutput(this, 'WebhookSecretArn', { value: webhookSecret.secretArn });
    new CfnOutput(this, 'GitTokenSecretArn', { value: gitToken.secretArn });
    new CfnOutput(this, 'TableName', { value: storage.table.tableName });
    new CfnOutput(this, 'BucketName', { value: storage.bucket.bucketName });
    new CfnOutput(this, 'QueueUrl', { value: jobs.queue.queueUrl });
  }
}
