/**
 * The syncwave stack, resource by resource and permission by permission. Bundling is skipped here
 * (context aws:cdk:bundling-stacks = []); syncwave-synth.test.ts bundles for real and runs cfn-lint.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../engine/app-spec.ts';
import type { KubeObject } from '../../../engine/model.ts';
import { checkDestinations } from '../../../engine/policy/check-destinations.ts';
import { parseSyncwaveConfig, type SyncwaveConfigInput } from '../../../infra/syncwave-config.ts';
import { SyncwaveStack } from '../../../infra/syncwave-stack.ts';
import { syncConfigFromEnv } from '../../../lambdas/shared/sync-config.ts';

const base: SyncwaveConfigInput = {
  repo: 'acme/gitops',
  environments: [
    {
      name: 'dev',
      branch: 'develop',
      clusterName: 'dev-cluster',
      policy: { namespaces: ['dev-*'], clusterResources: ['/Namespace'] },
    },
    {
      name: 'prod',
      branch: 'main',
      clusterName: 'prod-cluster',
      policy: {
        namespaces: ['prod-*', 'monitoring'],
        clusterResources: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
      },
    },
    { name: 'prod-canary', branch: 'main', clusterName: 'prod-cluster', namespacePrefix: 'canary-' },
  ],
};

function synth(overrides: Partial<SyncwaveConfigInput> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SyncwaveStack(app, 'syncwave', {
    config: parseSyncwaveConfig({ ...base, ...overrides }, 'test'),
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  return Template.fromStack(stack);
}

/** The logical id of the one resource of a type whose properties match. */
function idOf(t: Template, type: string, props: Record<string, unknown> = {}): string {
  const found = Object.keys(t.findResources(type, { Properties: props }));
  expect(found, `${type} matching ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0]!;
}

function functionId(t: Template, description: RegExp): string {
  return idOf(t, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp(description.source) });
}

/** The statements of the default policy attached to a function's role. */
function statementsOf(t: Template, fnId: string): Array<Record<string, unknown>> {
  const fn = t.toJSON().Resources[fnId];
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId),
  );
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function actionsOn(statements: Array<Record<string, unknown>>, ref: string): string[] {
  return statements
    .filter((s) => JSON.stringify(s.Resource).includes(ref))
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]) as string[])
    .sort();
}

describe('SyncwaveStack', () => {
  let t: Template;
  let ids: {
    webhook: string;
    worker: string;
    drift: string;
    queue: string;
    dlq: string;
    table: string;
    bucket: string;
  };

  beforeAll(() => {
    t = synth();
    ids = {
      webhook: functionId(t, /^syncwave webhook/),
      worker: functionId(t, /^syncwave worker/),
      drift: functionId(t, /^syncwave drift/),
      queue: idOf(t, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() }),
      dlq: idOf(t, 'AWS::SQS::Queue', { RedrivePolicy: Match.absent() }),
      table: idOf(t, 'AWS::DynamoDB::Table'),
      bucket: idOf(t, 'AWS::S3::Bucket'),
    };
  }, 120_000); // the first synth of a process stages the 37 MB kubectl layer

  it('runs three Node 22 x86_64 functions with their own log groups', () => {
    t.resourceCountIs('AWS::Lambda::Function', 3);
    t.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['x86_64'],
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.anyValue() } },
    });
    t.resourceCountIs('AWS::Logs::LogGroup', 3);
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('puts the kubectl/helm layer on the worker and drift functions only', () => {
    const layer = idOf(t, 'AWS::Lambda::LayerVersion');
    const fns = t.toJSON().Resources;
    expect(fns[ids.worker].Properties.Layers).toEqual([{ Ref: layer }]);
    expect(fns[ids.drift].Properties.Layers).toEqual([{ Ref: layer }]);
    expect(fns[ids.webhook].Properties.Layers).toBeUndefined();
  });

  it('configures the functions through environment variables', () => {
    const env = (id: string) => t.toJSON().Resources[id].Properties.Environment.Variables;
    expect(JSON.parse(env(ids.webhook).SYNCWAVE_ENVIRONMENTS)).toEqual([
      { name: 'dev', branch: 'develop', cluster: 'dev-cluster', region: 'eu-west-1' },
      { name: 'prod', branch: 'main', cluster: 'prod-cluster', region: 'eu-west-1' },
      {
        name: 'prod-canary',
        branch: 'main',
        cluster: 'prod-cluster',
        region: 'eu-west-1',
        namespacePrefix: 'canary-',
      },
    ]);
    expect(env(ids.webhook)).toMatchObject({
      SYNCWAVE_QUEUE_URL: { Ref: ids.queue },
      SYNCWAVE_WEBHOOK_SECRET_ID: { Ref: expect.stringMatching(/^WebhookSecret/) },
      SYNCWAVE_REPO: 'acme/gitops',
      POWERTOOLS_SERVICE_NAME: 'webhook',
      SYNCWAVE_PREVIEW_FORKS: 'false',
    });
    for (const id of [ids.worker, ids.drift]) {
      expect(env(id)).toMatchObject({
        SYNCWAVE_TABLE_NAME: { Ref: ids.table },
        SYNCWAVE_BUCKET_NAME: { Ref: ids.bucket },
        SYNCWAVE_HISTORY_LIMIT: '10',
        SYNCWAVE_KUBECTL: '/opt/kubectl/kubectl',
        SYNCWAVE_HELM: '/opt/helm/helm',
        HOME: '/tmp',
      });
      expect(env(id).SYNCWAVE_GIT_TOKEN_SECRET_ID).toBeDefined();
      expect(env(id).SYNCWAVE_WEBHOOK_SECRET_ID).toBeUndefined();
    }
  });

  it("passes each environment's destination policy to worker and drift (SYNCWAVE_POLICY), as the worker reads it", async () => {
    const env = (id: string) => t.toJSON().Resources[id].Properties.Environment.Variables;
    expect(env(ids.webhook).SYNCWAVE_POLICY).toBeUndefined();
    expect(env(ids.drift).SYNCWAVE_POLICY).toBe(env(ids.worker).SYNCWAVE_POLICY);
    // The worker's own reading of the variable (lambdas/shared/sync-config.ts), then the engine's
    // check of a job's objects (the same check serve runs with --policy).
    // (Tokens, resolved at deploy time, are left out.)
    const strings = Object.fromEntries(
      Object.entries(env(ids.worker) as Record<string, unknown>).filter(([, v]) => typeof v === 'string'),
    );
    const policy = syncConfigFromEnv({
      ...strings,
      SYNCWAVE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs.fifo',
      SYNCWAVE_TABLE_NAME: 'state',
      SYNCWAVE_BUCKET_NAME: 'desired',
      SYNCWAVE_GIT_TOKEN_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:git',
      AWS_REGION: 'eu-west-1',
    }).policy;
    expect(policy?.environments).toEqual({
      dev: { namespaces: ['dev-*'], clusterResources: [{ group: '', kind: 'Namespace' }] },
      prod: {
        namespaces: ['prod-*', 'monitoring'],
        clusterResources: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
      },
      // No policy in the configuration: anywhere, as serve without --policy.
      'prod-canary': { namespaces: ['*'], clusterResources: [{ group: '*', kind: '*' }] },
    });
    const app = (namespace: string) => ({ name: 'web', namespace }) as AppSpec;
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'kube-system' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev-web' } },
    ];
    const check = (env: string, namespace: string) =>
      checkDestinations({
        env,
        apps: [{ app: app(namespace), objects }],
        policy,
        scopeOf: async (o) => o.metadata.namespace !== undefined,
      });
    const dev = await check('dev', 'dev-web');
    expect(dev.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^ConfigMap\/kube-system\/c: namespace kube-system is not allowed .*; ClusterRole\/r: cluster-scoped kind rbac.authorization.k8s.io\/ClusterRole is not allowed/,
      ),
    ]);
    expect((await check('prod', 'prod-web')).map((f) => f.message)).toEqual([
      expect.stringMatching(
        /ConfigMap\/kube-system\/c: .*Namespace\/dev-web: cluster-scoped kind Namespace is not allowed/,
      ),
    ]);
    expect(await check('prod-canary', 'anything')).toEqual([]);
  });

  it('routes POST /webhook of an HTTP API to the webhook function', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhook' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [ids.webhook, 'Arn'] },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 20 },
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [ids.webhook, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('has a FIFO job queue with a FIFO dead-letter queue', () => {
    t.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      VisibilityTimeout: 1800,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] }, maxReceiveCount: 5 },
    });
    t.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, MessageRetentionPeriod: 1209600 });
    t.resourceCountIs('AWS::SQS::QueuePolicy', 2); // enforceSSL on both
  });

  it('feeds the worker one record per invocation, so environments (FIFO groups) run side by side', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      FunctionName: { Ref: ids.worker },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('keeps state in an on-demand table with PITR and TTL, retained on delete', () => {
    t.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
  });

  it('keeps desired state in an encrypted, private, TLS-only bucket with a lifecycle', () => {
    t.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
          ]),
        },
      },
    });
    // Only superseded revisions expire (tagged by S3DesiredStore): the current desired state, which
    // drift compares against, stays however long an app goes untouched.
    const rules = t.toJSON().Resources[ids.bucket].Properties.LifecycleConfiguration.Rules as Array<
      Record<string, unknown>
    >;
    const expiring = rules.filter((r) => r.ExpirationInDays !== undefined);
    expect(expiring).toEqual([
      {
        Id: 'expire-superseded-desired-state',
        Prefix: 'desired/',
        TagFilters: [{ Key: 'syncwave-superseded', Value: 'true' }],
        ExpirationInDays: 90,
        Status: 'Enabled',
      },
    ]);
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('creates the webhook secret (generated) and the git token secret (placeholder)', () => {
    t.resourceCountIs('AWS::SecretsManager::Secret', 2);
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 40, ExcludePunctuation: true },
    });
    t.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: 'REPLACE-WITH-A-GITHUB-TOKEN' });
  });

  it('references existing secrets by ARN instead of creating them', () => {
    const arn = (n: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${n}-AbCdEf`;
    const t2 = synth({ webhookSecretArn: arn('hook'), gitTokenSecretArn: arn('token') });
    t2.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const webhookFn = functionId(t2, /^syncwave webhook/);
    expect(actionsOn(statementsOf(t2, webhookFn), arn('hook'))).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
  });

  it('grants the webhook only: send to the queue, read its secret', () => {
    const s = statementsOf(t, ids.webhook);
    expect(actionsOn(s, ids.queue)).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(actionsOn(s, 'WebhookSecret')).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    expect(actionsOn(s, ids.table)).toEqual([]);
    expect(actionsOn(s, ids.bucket)).toEqual([]);
    expect(actionsOn(s, 'GitToken')).toEqual([]);
    expect(s).toHaveLength(2);
  });

  it('grants the worker: state read/write, bucket read+put (no delete), queue consume+send, git token, DescribeCluster', () => {
    const s = statementsOf(t, ids.worker);
    expect(actionsOn(s, ids.table)).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']),
    );
    expect(actionsOn(s, ids.bucket)).toEqual(expect.arrayContaining(['s3:GetObject*', 's3:PutObject']));
    expect(actionsOn(s, ids.bucket)).not.toContain('s3:DeleteObject*');
    expect(actionsOn(s, ids.queue)).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage']),
    );
    expect(actionsOn(s, 'GitToken')).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    expect(actionsOn(s, 'WebhookSecret')).toEqual([]);
    expect(actionsOn(s, ids.dlq)).toEqual([]);
    // No EKS permission of its own: clusters only through the environments' roles.
    expect(s.flatMap((x) => [x.Action].flat()).filter((a) => String(a).startsWith('eks:'))).toEqual([]);
  });

  it('grants the drift checker: state read/write, bucket read only, queue send only, git token', () => {
    const s = statementsOf(t, ids.drift);
    expect(actionsOn(s, ids.bucket)).toEqual(['s3:GetBucket*', 's3:GetObject*', 's3:List*']);
    expect(actionsOn(s, ids.queue)).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(actionsOn(s, 'GitToken')).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    expect(s.flatMap((x) => [x.Action].flat()).filter((a) => String(a).startsWith('eks:'))).toEqual([]);
  });

  /** Access entries as { cluster, role logical id, groups, policy name }. */
  function accessEntries(tpl: Template) {
    return Object.values(tpl.findResources('AWS::EKS::AccessEntry'))
      .map((r) => ({
        cluster: r.Properties.ClusterName,
        role: r.Properties.PrincipalArn['Fn::GetAtt'][0] as string,
        type: r.Properties.Type,
        groups: r.Properties.KubernetesGroups ?? [],
        policies: (r.Properties.AccessPolicies as Array<Record<string, unknown>>).map((p) => ({
          name: /(AmazonEKS\w+Policy)/.exec(JSON.stringify(p.PolicyArn))?.[1],
          scope: p.AccessScope,
        })),
      }))
      .sort((a, b) => `${a.cluster}${a.role}`.localeCompare(`${b.cluster}${b.role}`));
  }

  /** The logical id of an environment's role (deployer, observer or previewer). */
  function envRole(tpl: Template, kind: 'deployer' | 'observer' | 'previewer', env: string): string {
    return idOf(tpl, 'AWS::IAM::Role', {
      Description: Match.stringLikeRegexp(`^syncwave ${kind} of environment ${env} `),
    });
  }

  const roleOf = (tpl: Template, fnId: string): string =>
    tpl.toJSON().Resources[fnId].Properties.Role['Fn::GetAtt'][0];

  /** Statements of the policies attached to a role (by logical id). */
  function roleStatements(tpl: Template, roleId: string): Array<Record<string, unknown>> {
    return Object.values(tpl.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  }

  it('gives each environment a deployer, an observer and a previewer role with access to its own cluster only', () => {
    const envs = [
      ['dev', 'dev-cluster'],
      ['prod', 'prod-cluster'],
      ['prod-canary', 'prod-cluster'],
    ] as const;
    const expected = envs.flatMap(([env, cluster]) => [
      {
        cluster,
        role: envRole(t, 'deployer', env),
        type: 'STANDARD',
        groups: ['syncwave:deployer'],
        policies: [{ name: 'AmazonEKSAdminPolicy', scope: { Type: 'cluster' } }],
      },
      {
        cluster,
        role: envRole(t, 'observer', env),
        type: 'STANDARD',
        groups: ['syncwave:observer'],
        policies: [{ name: 'AmazonEKSViewPolicy', scope: { Type: 'cluster' } }],
      },
      {
        cluster,
        role: envRole(t, 'previewer', env),
        type: 'STANDARD',
        groups: ['syncwave:previewer'],
        policies: [{ name: 'AmazonEKSViewPolicy', scope: { Type: 'cluster' } }],
      },
    ]);
    expect(accessEntries(t)).toEqual(
      expected.sort((a, b) => `${a.cluster}${a.role}`.localeCompare(`${b.cluster}${b.role}`)),
    );
    // The functions' own roles have no access entry at all.
    const principals = accessEntries(t).map((e) => e.role);
    expect(principals).not.toContain(roleOf(t, ids.worker));
    expect(principals).not.toContain(roleOf(t, ids.drift));
    // Each role may describe its own cluster and nothing else.
    for (const [env, cluster] of envs) {
      for (const kind of ['deployer', 'observer', 'previewer'] as const) {
        const statements = roleStatements(t, envRole(t, kind, env));
        expect(statements).toHaveLength(1);
        expect(statements[0]!.Action).toBe('eks:DescribeCluster');
        expect(JSON.stringify(statements[0]!.Resource)).toMatch(new RegExp(`:cluster/${cluster}"`));
      }
    }
  });

  it('lets only the worker assume deployer and previewer roles and only the drift checker observer roles', () => {
    const r = t.toJSON().Resources;
    for (const env of ['dev', 'prod', 'prod-canary']) {
      for (const [kind, fn] of [
        ['deployer', ids.worker],
        ['observer', ids.drift],
        ['previewer', ids.worker],
      ] as const) {
        const id = envRole(t, kind, env);
        const trust = r[id].Properties.AssumeRolePolicyDocument.Statement;
        expect(trust).toEqual([
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::GetAtt': [roleOf(t, fn), 'Arn'] } },
          },
        ]);
      }
    }
    const assumable = (fn: string) =>
      statementsOf(t, fn)
        .filter((x) => x.Action === 'sts:AssumeRole')
        .map((x) => (x.Resource as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0])
        .sort();
    expect(assumable(ids.worker)).toEqual(
      ['dev', 'prod', 'prod-canary']
        .flatMap((e) => [envRole(t, 'deployer', e), envRole(t, 'previewer', e)])
        .sort(),
    );
    expect(assumable(ids.drift)).toEqual(
      ['dev', 'prod', 'prod-canary'].map((e) => envRole(t, 'observer', e)).sort(),
    );
    expect(assumable(ids.webhook)).toEqual([]);
  });

  it("tells each function its environments' roles (SYNCWAVE_CLUSTER_ROLES)", () => {
    const env = (id: string) => t.toJSON().Resources[id].Properties.Environment.Variables;
    const roles = (id: string) => JSON.stringify(env(id).SYNCWAVE_CLUSTER_ROLES);
    for (const e of ['dev', 'prod', 'prod-canary']) {
      expect(roles(ids.worker)).toContain(envRole(t, 'deployer', e));
      expect(roles(ids.worker)).not.toContain(envRole(t, 'observer', e));
      expect(roles(ids.drift)).toContain(envRole(t, 'observer', e));
    }
    expect(env(ids.webhook).SYNCWAVE_CLUSTER_ROLES).toBeUndefined();
  });

  it("tells the worker (only) its environments' previewer roles for preview jobs (SYNCWAVE_PREVIEW_ROLES)", () => {
    const env = (id: string) => t.toJSON().Resources[id].Properties.Environment.Variables;
    const previewRoles = env(ids.worker).SYNCWAVE_PREVIEW_ROLES;
    const text = JSON.stringify(previewRoles);
    for (const e of ['dev', 'prod', 'prod-canary']) {
      expect(text).toContain(envRole(t, 'previewer', e));
      expect(text).not.toContain(envRole(t, 'deployer', e));
      expect(JSON.stringify(env(ids.worker).SYNCWAVE_CLUSTER_ROLES)).not.toContain(
        envRole(t, 'previewer', e),
      );
    }
    expect(env(ids.drift).SYNCWAVE_PREVIEW_ROLES).toBeUndefined();
    expect(env(ids.webhook).SYNCWAVE_PREVIEW_ROLES).toBeUndefined();
  });

  it('tells the webhook to preview forks only when the configuration says so', () => {
    const fn = functionId(t, /^syncwave webhook/);
    const forks = (tpl: Template) =>
      tpl.toJSON().Resources[fn].Properties.Environment.Variables.SYNCWAVE_PREVIEW_FORKS;
    expect(forks(t)).toBe('false');
    expect(forks(synth({ previewForks: true }))).toBe('true');
  });

  it('maps the previewer to syncwave:previewer with view access only, also with clusterAdmin', () => {
    const t2 = synth({ clusterAdmin: true });
    for (const tpl of [t, t2]) {
      const previewers = ['dev', 'prod', 'prod-canary'].map((e) => envRole(tpl, 'previewer', e));
      const entries = accessEntries(tpl).filter((x) => previewers.includes(x.role));
      expect(entries).toHaveLength(3);
      for (const e of entries) {
        expect(e.groups).toEqual(['syncwave:previewer']);
        expect(e.policies).toEqual([{ name: 'AmazonEKSViewPolicy', scope: { Type: 'cluster' } }]);
      }
    }
  });

  it('gives the deployer roles cluster admin only when asked', () => {
    const t2 = synth({ clusterAdmin: true });
    const deployers = ['dev', 'prod', 'prod-canary'].map((e) => envRole(t2, 'deployer', e));
    for (const e of accessEntries(t2).filter((x) => deployers.includes(x.role))) {
      expect(e.policies).toEqual([{ name: 'AmazonEKSClusterAdminPolicy', scope: { Type: 'cluster' } }]);
      expect(e.groups).toEqual([]);
    }
    expect(accessEntries(t).flatMap((e) => e.policies.map((p) => p.name))).not.toContain(
      'AmazonEKSClusterAdminPolicy',
    );
  });

  it('invokes the drift function on the configured schedule', () => {
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(3 minutes)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [ids.drift, 'Arn'] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
      }),
    });
    synth({ driftSchedule: 'rate(10 minutes)' }).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(10 minutes)',
    });
  });

  it('alarms on dead letters, sync failures and worker errors, and has a dashboard', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.dlq, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'syncwave',
      MetricName: 'SyncFailures',
      Dimensions: [{ Name: 'service', Value: 'worker' }],
      Threshold: 1,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.worker } }],
    });
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('alarms on drift read errors, webhook 5xx, and apps OutOfSync or Degraded for the configured time', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'syncwave',
      MetricName: 'DriftReadErrors',
      Dimensions: [{ Name: 'service', Value: 'drift' }],
      Threshold: 1,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Threshold: 1,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.drift } }],
    });
    // 30 minutes (the default) of 5-minute periods, every one breaching.
    for (const metric of ['AppsOutOfSync', 'AppsDegraded']) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'syncwave',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'drift' }],
        Statistic: 'Minimum',
        Period: 300,
        EvaluationPeriods: 6,
        DatapointsToAlarm: 6,
      });
    }
    synth({ appStuckMinutes: 60 }).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AppsDegraded',
      EvaluationPeriods: 12,
    });
  });

  it('sends every alarm (and its return to OK) to one SNS topic, output, with an optional email', () => {
    const topic = idOf(t, 'AWS::SNS::Topic');
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBe(8);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topic }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: topic }]);
    }
    t.hasOutput('AlarmTopicArn', { Value: { Ref: topic } });
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    synth({ alarmEmail: 'ops@example.com' }).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    // The worker publishes failed syncs to it, drift the apps stuck OutOfSync or Degraded; the
    // webhook may not.
    expect(actionsOn(statementsOf(t, ids.worker), topic)).toEqual(['sns:Publish']);
    expect(actionsOn(statementsOf(t, ids.drift), topic)).toEqual(['sns:Publish']);
    expect(actionsOn(statementsOf(t, ids.webhook), topic)).toEqual([]);
    const vars = (id: string) => t.toJSON().Resources[id].Properties.Environment.Variables;
    expect(vars(ids.worker).SYNCWAVE_ALARM_TOPIC_ARN).toEqual({ Ref: topic });
    expect(vars(ids.drift)).toMatchObject({
      SYNCWAVE_ALARM_TOPIC_ARN: { Ref: topic },
      SYNCWAVE_APP_STUCK_MINUTES: '30',
    });
    expect(vars(ids.webhook).SYNCWAVE_ALARM_TOPIC_ARN).toBeUndefined();
  });

  it('gives worker and drift the configured /tmp, 1 GiB unless told', () => {
    const r = t.toJSON().Resources;
    expect(r[ids.worker].Properties.EphemeralStorage).toEqual({ Size: 1024 });
    expect(r[ids.drift].Properties.EphemeralStorage).toEqual({ Size: 1024 });
    expect(r[ids.webhook].Properties.EphemeralStorage).toBeUndefined();
    const t2 = synth({ ephemeralStorageMiB: 4096 });
    expect(t2.toJSON().Resources[functionId(t2, /^syncwave worker/)].Properties.EphemeralStorage).toEqual({
      Size: 4096,
    });
  });

  it('saves Logs Insights queries over all three log groups', () => {
    t.resourceCountIs('AWS::Logs::QueryDefinition', 5);
    t.hasResourceProperties('AWS::Logs::QueryDefinition', {
      Name: 'syncwave/What happened to my push',
      QueryString: Match.stringLikeRegexp('deliveryId'),
    });
    for (const q of Object.values(t.findResources('AWS::Logs::QueryDefinition'))) {
      expect(q.Properties.LogGroupNames).toHaveLength(3);
    }
  });

  it('outputs the webhook URL and the secret ARNs', () => {
    t.hasOutput('WebhookUrl', { Value: Match.anyValue() });
    t.hasOutput('WebhookSecretArn', {});
    t.hasOutput('GitTokenSecretArn', {});
    // `syncwave app ... --aws` finds everything from the outputs.
    for (const name of ['TableName', 'BucketName', 'QueueUrl']) t.hasOutput(name, {});
    expect(JSON.parse(t.findOutputs('Environments').Environments!.Value)).toEqual([
      { name: 'dev', branch: 'develop' },
      { name: 'prod', branch: 'main' },
      { name: 'prod-canary', branch: 'main' },
    ]);
  });

  it('places worker and drift (not the webhook) in the VPC when configured', () => {
    const t2 = synth({
      vpc: { vpcId: 'vpc-0abc', subnetIds: ['subnet-0a', 'subnet-0b'], securityGroupIds: ['sg-0c'] },
    });
    const r = t2.toJSON().Resources;
    for (const id of [functionId(t2, /^syncwave worker/), functionId(t2, /^syncwave drift/)]) {
      expect(r[id].Properties.VpcConfig).toEqual({
        SubnetIds: ['subnet-0a', 'subnet-0b'],
        SecurityGroupIds: ['sg-0c'],
      });
    }
    expect(r[functionId(t2, /^syncwave webhook/)].Properties.VpcConfig).toBeUndefined();
    expect(t.toJSON().Resources[ids.worker].Properties.VpcConfig).toBeUndefined();
    t2.hasOutput('FunctionSecurityGroupIds', { Value: 'sg-0c' });
    t.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  });

  it('in a VPC without given groups, makes one for the functions, outputs it and allows it into the clusters', () => {
    const t2 = synth({
      vpc: { vpcId: 'vpc-0abc', subnetIds: ['subnet-0a'], clusterSecurityGroupIds: ['sg-0aaa', 'sg-0bbb'] },
    });
    const sg = idOf(t2, 'AWS::EC2::SecurityGroup', { VpcId: 'vpc-0abc' });
    const r = t2.toJSON().Resources;
    expect(r[functionId(t2, /^syncwave worker/)].Properties.VpcConfig.SecurityGroupIds).toEqual([
      { 'Fn::GetAtt': [sg, 'GroupId'] },
    ]);
    for (const cluster of ['sg-0aaa', 'sg-0bbb']) {
      t2.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: cluster,
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
      });
    }
    t2.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
    t2.hasOutput('FunctionSecurityGroupIds', { Value: { 'Fn::GetAtt': [sg, 'GroupId'] } });
  });

  it('refuses an environment in another region than the stack', () => {
    expect(() =>
      synth({ environments: [{ name: 'dev', branch: 'develop', clusterName: 'dev', region: 'us-west-2' }] }),
    ).toThrow(/region is us-west-2 but the stack deploys to eu-west-1/);
  });
});
