import { fileURLToPath } from 'node:url';
import { KubectlV36Layer } from '@aws-cdk/lambda-layer-kubectl-v36';
import { CfnOutput, Duration, SecretValue, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { SERVICE } from '../adapters/aws/metric-names.ts';
import { EksAccess } from './eks-access.ts';
import { JobQueue } from './job-queue.ts';
import { LogQueries } from './log-queries.ts';
import { Monitoring } from './monitoring.ts';
import { StateStorage } from './state-storage.ts';
import { policyDocument, type SyncwaveConfig } from './syncwave-config.ts';
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
    const alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'syncwave alarms and failed syncs',
      enforceSSL: true,
    });
    if (config.alarmEmail) alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
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
    const policy = policyDocument(config);
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
      ...(policy ? { SYNCWAVE_POLICY: policy } : {}),
      ...(config.githubApiUrl ? { SYNCWAVE_GITHUB_API_URL: config.githubApiUrl } : {}),
      // The kubectl/helm layer installs to /opt; helm needs writable homes, and only /tmp is.
      SYNCWAVE_KUBECTL: '/opt/kubectl/kubectl',
      SYNCWAVE_HELM: '/opt/helm/helm',
      HOME: '/tmp',
      HELM_CACHE_HOME: '/tmp/helm/cache',
      HELM_CONFIG_HOME: '/tmp/helm/config',
      HELM_DATA_HOME: '/tmp/helm/data',
    };

    const vpc = config.vpc ? this.#vpcPlacement(config.vpc) : undefined;
    const kubectlLayer = new KubectlV36Layer(this, 'KubectlLayer');

    this.webhook = new SyncwaveFunction(this, 'Webhook', {
      entry: `${root}/lambdas/webhook/handler.ts`,
      description: 'syncwave webhook: verifies a push and queues one job per environment',
      service: SERVICE.webhook,
      memorySize: 512,
      timeout: Duration.seconds(10),
      logRetention: retention,
      projectRoot: root,
      environment: {
        ...common,
        SYNCWAVE_WEBHOOK_SECRET_ID: webhookSecret.secretArn,
        SYNCWAVE_PREVIEW_FORKS: String(config.previewForks),
      },
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
      ephemeralStorageMiB: config.ephemeralStorageMiB,
      environment: { ...syncEnv, SYNCWAVE_ALARM_TOPIC_ARN: alarmTopic.topicArn },
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
      ephemeralStorageMiB: config.ephemeralStorageMiB,
      environment: {
        ...syncEnv,
        // A message per app OutOfSync or Degraded for appStuckMinutes.
        SYNCWAVE_ALARM_TOPIC_ARN: alarmTopic.topicArn,
        SYNCWAVE_APP_STUCK_MINUTES: String(config.appStuckMinutes),
      },
    });

    // Least privilege, per function.
    jobs.queue.grantSendMessages(this.webhook.fn);
    webhookSecret.grantRead(this.webhook.fn);

    storage.table.grantReadWriteData(this.worker.fn);
    storage.bucket.grantRead(this.worker.fn);
    storage.bucket.grantPut(this.worker.fn);
    jobs.queue.grantSendMessages(this.worker.fn); // follow-up messages for long syncs
    alarmTopic.grantPublish(this.worker.fn); // a message per failed sync
    alarmTopic.grantPublish(this.drift.fn); // a message per app stuck OutOfSync or Degraded
    gitToken.grantRead(this.worker.fn);
    this.worker.fn.addEventSource(
      // One record per invocation: Lambda runs FIFO groups (environments) side by side, so a long
      // job of one environment never holds up another's record in the same batch.
      new SqsEventSource(jobs.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );

    storage.table.grantReadWriteData(this.drift.fn);
    storage.bucket.grantRead(this.drift.fn);
    jobs.queue.grantSendMessages(this.drift.fn);
    gitToken.grantRead(this.drift.fn);

    // A role per environment, assumed per job: neither function's own role reaches a cluster.
    const access = new EksAccess(this, 'EksAccess', {
      environments: config.environments.map((e) => ({ name: e.name, clusterName: e.clusterName })),
      worker: this.worker.fn.role!,
      drift: this.drift.fn.role!,
      clusterAdmin: config.clusterAdmin,
    });
    this.worker.fn.addEnvironment('SYNCWAVE_CLUSTER_ROLES', access.roleArns('deployer'));
    // Pull request previews run as the previewer (read + dry run), never as the deployer.
    this.worker.fn.addEnvironment('SYNCWAVE_PREVIEW_ROLES', access.roleArns('previewer'));
    this.drift.fn.addEnvironment('SYNCWAVE_CLUSTER_ROLES', access.roleArns('observer'));

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
      api: this.api,
      queue: jobs.queue,
      deadLetterQueue: jobs.deadLetterQueue,
      topic: alarmTopic,
      appStuckMinutes: config.appStuckMinutes,
    });
    new LogQueries(this, 'LogQueries', {
      logGroups: [this.webhook.logGroup, this.worker.logGroup, this.drift.logGroup],
    });

    new CfnOutput(this, 'WebhookUrl', {
      value: `${this.api.apiEndpoint}/webhook`,
      description:
        'Payload URL for the GitHub webhook (content type application/json, push and pull request events)',
    });
    new CfnOutput(this, 'WebhookSecretArn', { value: webhookSecret.secretArn });
    new CfnOutput(this, 'GitTokenSecretArn', { value: gitToken.secretArn });
    new CfnOutput(this, 'TableName', { value: storage.table.tableName });
    new CfnOutput(this, 'BucketName', { value: storage.bucket.bucketName });
    new CfnOutput(this, 'QueueUrl', { value: jobs.queue.queueUrl });
    new CfnOutput(this, 'Environments', {
      value: JSON.stringify(config.environments.map((e) => ({ name: e.name, branch: e.branch }))),
      description: 'Environments and their branches (read by `syncwave app ... --aws`)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarmTopic.topicArn,
      description: 'SNS topic of every alarm and of a message per failed sync: subscribe email or chat to it',
    });
    if (vpc) {
      new CfnOutput(this, 'FunctionSecurityGroupIds', {
        value: vpc.securityGroups.map((g) => g.securityGroupId).join(','),
        description: 'Security groups of the worker and drift functions: allow them into the clusters on 443',
      });
    }
  }

  /** Worker and drift in the VPC: given security groups or one made here, allowed into the clusters' groups. */
  #vpcPlacement(cfg: NonNullable<SyncwaveConfig['vpc']>) {
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: cfg.vpcId,
      availabilityZones: this.availabilityZones,
    });
    const securityGroups = cfg.securityGroupIds?.length
      ? cfg.securityGroupIds.map((id, i) =>
          ec2.SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${i}`, id),
        )
      : [
          new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
            vpc,
            description: 'syncwave worker and drift functions (outbound HTTPS to EKS, AWS APIs and Git)',
            allowAllOutbound: true,
          }),
        ];
    (cfg.clusterSecurityGroupIds ?? []).forEach((clusterGroup, i) => {
      securityGroups.forEach((fnGroup, j) => {
        new ec2.CfnSecurityGroupIngress(this, `ClusterIngress${i}From${j}`, {
          groupId: clusterGroup,
          ipProtocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          sourceSecurityGroupId: fnGroup.securityGroupId,
          description: 'syncwave functions to the Kubernetes API',
        });
      });
    });
    return {
      vpc,
      subnets: cfg.subnetIds.map((id, i) => ec2.Subnet.fromSubnetId(this, `Subnet${i}`, id)),
      securityGroups,
    };
  }
}
