/**
 * The stack as deployed, run as Lambda runs it: `cdk synth` (infra/app.ts, bundling for real),
 * then the exact asset directories it wrote for the webhook, worker and drift functions, each run
 * by the AWS Lambda Runtime Interface Emulator with AWS's Node.js runtime interface client on
 * Node 22 (harness/lambda-rie.ts): code read-only at /var/task, a /tmp of the function's
 * EphemeralStorage size, the layer's helm and kubectl under /opt, the handler, timeout, memory
 * and environment variables of the synthesized template (references resolved to the emulated
 * resources). One container per function, kept warm across every invocation of this file.
 *
 * Real parts: moto for SQS/DynamoDB/S3/Secrets Manager/STS/SNS (the template's own queue, table,
 * bucket, secrets and topic, created through moto's CloudFormation), the test control plane, real
 * helm and kubectl. Stand-ins, because the real services cannot run here: GitHub's REST API
 * (harness/github-stand-in.ts: real tarballs of the test repository, commit statuses) and what EKS
 * adds around a cluster (harness/eks-stand-in.ts: DescribeCluster, and an authenticating front end
 * that maps the worker's presigned STS token, through the template's access entries, to the
 * Kubernetes identity EKS would give it). The functions then act under exactly the RBAC of
 * infra/eks-bootstrap-rbac.yaml and the access policies, so a missing permission fails here.
 */
import { spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../adapters/aws/dynamo-state-store.ts';
import { S3DesiredStore } from '../../adapters/aws/s3-desired-store.ts';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import { type AwsEmulator, startAwsEmulator } from '../../harness/aws-emulator.ts';
import {
  ACCESS_POLICY_GROUP_PREFIX,
  type AccessEntry,
  type EksStandIn,
  startEksStandIn,
} from '../../harness/eks-stand-in.ts';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';
import { type GithubStandIn, startGithubStandIn } from '../../harness/github-stand-in.ts';
import { type RunningLambda, startLambda } from '../../harness/lambda-rie.ts';
import { applyBootstrapRbac } from '../support/apply-bootstrap-rbac.ts';
import { ordinaryPush } from '../unit/ingest/github-push-examples.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLES = join(ROOT, 'examples');
const ID = `rie${process.pid % 1000}${Date.now() % 10_000}`;
const ENV = ID;
const CLUSTER = `cluster-${ID}`;
const REPO = 'acme/gitops';
const GIT_TOKEN = `rie-git-token-${randomUUID()}`;
const ACCOUNT = '123456789012';
const ns = (app: string) => `${ID}-${app}`;

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, string>;
}
type Template = { Resources: Record<string, CfnResource> };

let out: string;
let template: Template;
let aws: AwsEmulator;
let sqs: SQSClient;
let queueUrl: string;
let queueArn: string;
let state: DynamoStateStore;
let webhookSecret: string;
let repo: GitWorkRepo;
let github: GithubStandIn;
let eks: EksStandIn;
let cluster: KubeCluster;
const fns: Record<'webhook' | 'worker' | 'drift', RunningLambda | undefined> = {
  webhook: undefined,
  worker: undefined,
  drift: undefined,
};
/** /tmp of the warm worker after each job, and its peak during each (bytes). */
const workerTmp: number[] = [];
const workerTmpPeak: number[] = [];

/** The access policies' Kubernetes roles, bound to the groups the EKS stand-in adds. */
const ACCESS_POLICY_BINDINGS = [
  ['AmazonEKSAdminPolicy', 'admin'],
  ['AmazonEKSViewPolicy', 'view'],
  ['AmazonEKSClusterAdminPolicy', 'cluster-admin'],
]
  .map(
    ([policy, role]) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: test-eks-access-policy-${role} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role} }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: "${ACCESS_POLICY_GROUP_PREFIX}${policy}" }]
`,
  )
  .join('---\n');

function fnOf(prefix: string): [string, CfnResource] {
  const found = Object.entries(template.Resources).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties?.Description).startsWith(prefix),
  );
  if (!found) throw new Error(`no function ${prefix} in the template`);
  return found;
}

/** CloudFormation's intrinsics as deploy time would resolve them, from the emulated stack. */
function resolver(refs: Record<string, string>) {
  const pseudo: Record<string, string> = {
    'AWS::Region': aws.region,
    'AWS::Partition': 'aws',
    'AWS::AccountId': ACCOUNT,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const value = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as Record<string, unknown>;
    if ('Ref' in o) {
      const name = String(o.Ref);
      const found = pseudo[name] ?? refs[name];
      if (found === undefined) throw new Error(`unresolved Ref ${name}`);
      return found;
    }
    if ('Fn::GetAtt' in o) {
      const [id, attr] = o['Fn::GetAtt'] as [string, string];
      if (attr === 'Arn' && template.Resources[id]?.Type === 'AWS::IAM::Role')
        return `arn:aws:iam::${ACCOUNT}:role/${id}`;
      const found = refs[`${id}.${attr}`];
      if (found === undefined) throw new Error(`unresolved GetAtt ${id}.${attr}`);
      return found;
    }
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(value).join(sep);
    }
    throw new Error(`unresolved ${JSON.stringify(v)}`);
  };
  return value;
}

function apiEvent(payload: unknown): unknown {
  const raw = JSON.stringify(payload);
  return {
    version: '2.0',
    routeKey: 'POST /webhook',
    rawPath: '/webhook',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/7a5d9b1',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', webhookSecret).update(raw).digest('hex')}`,
    },
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'rieapi',
      domainName: 'rieapi.execute-api.us-east-1.amazonaws.com',
      http: { method: 'POST', path: '/webhook', protocol: 'HTTP/1.1', sourceIp: '140.82.115.1' },
      requestId: randomUUID(),
      routeKey: 'POST /webhook',
      stage: '$default',
      timeEpoch: Date.now(),
    },
    body: raw,
    isBase64Encoded: false,
  };
}

function pushPayload(before: string, after: string, modified: string[]) {
  const p = ordinaryPush('develop');
  p.before = before;
  p.after = after;
  p.created = /^0+$/.test(before);
  p.repository.name = 'gitops';
  p.repository.full_name = REPO;
  p.repository.html_url = `https://github.com/${REPO}`;
  p.repository.clone_url = `https://github.com/${REPO}.git`;
  const template = p.head_commit ?? p.commits[0];
  p.commits = [{ ...template, id: after, tree_id: after, added: [], removed: [], modified }];
  p.head_commit = p.commits[0];
  p.size = 1;
  return p;
}

async function receive(): Promise<Message[]> {
  return (
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 1, // the event source mapping's BatchSize
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      )
    ).Messages ?? []
  );
}

/** Lambda's SQS event source mapping: one record per invocation of the warm worker, until empty. */
async function drainToWorker(): Promise<Array<{ batchItemFailures: unknown[] }>> {
  const results: Array<{ batchItemFailures: unknown[] }> = [];
  for (let i = 0; i < 10; i++) {
    const [m] = await receive();
    if (!m) break;
    const event = {
      Records: [
        {
          messageId: m.MessageId,
          receiptHandle: m.ReceiptHandle,
          body: m.Body,
          attributes: m.Attributes,
          messageAttributes: {},
          md5OfBody: m.MD5OfBody,
          eventSource: 'aws:sqs',
          eventSourceARN: queueArn,
          awsRegion: aws.region,
        },
      ],
    };
    // /tmp sampled while the job runs: its peak, and what stays after it.
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await fns.worker!.tmpUsage()).used);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const { body } = await fns.worker!.invoke(event).finally(() => {
      sampling = false;
    });
    await sampler;
    workerTmpPeak.push(peak);
    const result = body as { batchItemFailures: Array<{ itemIdentifier: string }> };
    expect(result, JSON.stringify(body)).toHaveProperty('batchItemFailures');
    results.push(result);
    workerTmp.push((await fns.worker!.tmpUsage()).used);
    if (!result.batchItemFailures.some((f) => f.itemIdentifier === m.MessageId))
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  }
  return results;
}

async function push(
  message: string,
  modified: string[],
  change: () => Promise<void>,
  before?: string,
): Promise<string> {
  before ??= await repo.head();
  await change();
  const after = await repo.commitAll(message);
  const { body } = await fns.webhook!.invoke(apiEvent(pushPayload(before, after, modified)));
  expect(body, JSON.stringify(body)).toMatchObject({ statusCode: 202 });
  return after;
}

const imageOf = async (app: string) =>
  (
    (await cluster.get('apps/v1', 'Deployment', app, ns(app)))?.spec as
      | { template: { spec: { containers: Array<{ image: string }> } } }
      | undefined
  )?.template.spec.containers[0]?.image;

beforeAll(async () => {
  const t0 = Date.now();
  const step = (what: string) => process.stderr.write(`[aws-lambda-rie] ${what} at ${Date.now() - t0} ms\n`);
  aws = await startAwsEmulator();
  const dir = await mkdtemp(join(tmpdir(), 'sw-aws-rie-'));
  repo = await createWorkRepo({ dir: join(dir, 'work'), from: EXAMPLES, branches: ['develop'] });
  const config = (await readFile(join(repo.dir, 'syncwave.yaml'), 'utf8'))
    .replace(/^ {2}dev: .*$/m, `  ${ENV}: { branch: develop, cluster: ${CLUSTER}, namespacePrefix: ${ID}- }`)
    .replace(/^ {2}prod: .*$/m, '')
    .replaceAll('values-${env}.yaml', 'values-dev.yaml');
  await writeFile(join(repo.dir, 'syncwave.yaml'), config);
  // The database app manages a Secret, as real apps do: the observer must be able to read it.
  await repo.write(
    'apps/database/secret.yaml',
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: postgres-auth\nstringData:\n  password: rie-test-not-a-secret\n',
  );
  await repo.commitAll(`environment ${ENV}`);
  github = await startGithubStandIn({ repo: REPO, gitDir: repo.dir, token: GIT_TOKEN });

  // cdk synth, as `npx cdk synth` runs infra/app.ts (Node 22 first on PATH, as npx puts it).
  out = mkdtempSync(join(tmpdir(), 'sw-rie-synth-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_')) env[k] = v;
  const synth = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['infra/app.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...env,
      PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH}`,
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_OUTDIR: out,
      CDK_DEFAULT_ACCOUNT: ACCOUNT,
      CDK_DEFAULT_REGION: aws.region,
      CDK_CONTEXT_JSON: JSON.stringify({
        'aws:cdk:enable-asset-metadata': true,
        syncwave: {
          repo: REPO,
          githubApiUrl: github.url,
          environments: [
            {
              name: ENV,
              branch: 'develop',
              clusterName: CLUSTER,
              namespacePrefix: `${ID}-`,
              policy: { namespaces: [`${ID}-*`], clusterResources: ['/Namespace'] },
            },
          ],
        },
      }),
    },
  });
  step('synth');
  if (synth.status !== 0) throw new Error(`cdk synth failed:\n${synth.stderr}\n${synth.stdout}`);
  template = JSON.parse(readFileSync(join(out, 'syncwave.template.json'), 'utf8'));

  // The template's queues, table, bucket, secrets and topic, created as CloudFormation would.
  // (moto's CloudFormation skips Secrets Manager secrets: those are created below, by the API.)
  const kept = ['AWS::SQS::Queue', 'AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SNS::Topic'];
  // (moto's CloudFormation names a FIFO queue without the .fifo suffix AWS's adds: named here.)
  const resources = Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, r]) => kept.includes(r.Type))
      .map(([id, r]) =>
        r.Type === 'AWS::SQS::Queue' && r.Properties?.FifoQueue
          ? [id, { ...r, Properties: { ...r.Properties, QueueName: `${id}-${ID}.fifo` } }]
          : [id, r],
      ),
  );
  const outputs = Object.fromEntries(
    Object.entries(resources).flatMap(([id, r]) => [
      [`${id}Ref`, { Value: { Ref: id } }],
      ...(r.Type === 'AWS::SQS::Queue' ? [[`${id}Arn`, { Value: { 'Fn::GetAtt': [id, 'Arn'] } }]] : []),
    ]),
  );
  const cfn = new CloudFormationClient(aws.clientConfig);
  await cfn.send(
    new CreateStackCommand({
      StackName: `syncwave-${ID}`,
      TemplateBody: JSON.stringify({ Resources: resources, Outputs: outputs }),
    }),
  );
  const described = await cfn.send(new DescribeStacksCommand({ StackName: `syncwave-${ID}` }));
  cfn.destroy();
  const refs: Record<string, string> = {};
  for (const o of described.Stacks?.[0]?.Outputs ?? []) {
    const key = o.OutputKey!;
    if (key.endsWith('Ref')) refs[key.slice(0, -3)] = o.OutputValue!;
    else refs[`${key.slice(0, -3)}.Arn`] = o.OutputValue!;
  }
  const secrets = new SecretsManagerClient(aws.clientConfig);
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::SecretsManager::Secret') continue;
    const generate = r.Properties?.GenerateSecretString as
      | { PasswordLength?: number; ExcludePunctuation?: boolean }
      | undefined;
    const secretString = generate
      ? (
          await secrets.send(
            new GetRandomPasswordCommand({
              PasswordLength: generate.PasswordLength,
              ExcludePunctuation: generate.ExcludePunctuation,
            }),
          )
        ).RandomPassword!
      : String(r.Properties?.SecretString);
    refs[id] = (
      await secrets.send(new CreateSecretCommand({ Name: `${id}-${ID}`, SecretString: secretString }))
    ).ARN!;
  }
  step('resources');
  const value = resolver(refs);
  const byType = (type: string, props: (p: Record<string, unknown>) => boolean = () => true) =>
    Object.entries(template.Resources).find(([, r]) => r.Type === type && props(r.Properties ?? {}))![0];
  const jobs = byType('AWS::SQS::Queue', (p) => p.RedrivePolicy !== undefined);
  queueUrl = refs[jobs]!;
  queueArn = refs[`${jobs}.Arn`]!;
  sqs = new SQSClient(aws.clientConfig);
  const webhookSecretId =
    refs[byType('AWS::SecretsManager::Secret', (p) => p.GenerateSecretString !== undefined)]!;
  webhookSecret = (await secrets.send(new GetSecretValueCommand({ SecretId: webhookSecretId })))
    .SecretString!;
  // Step 4 of infra/README.md: the Git token.
  await secrets.send(
    new PutSecretValueCommand({
      SecretId: refs[byType('AWS::SecretsManager::Secret', (p) => p.SecretString !== undefined)]!,
      SecretString: GIT_TOKEN,
    }),
  );
  secrets.destroy();
  state = new DynamoStateStore({
    client: new DynamoDBClient(aws.clientConfig),
    tableName: refs[byType('AWS::DynamoDB::Table')]!,
    desired: new S3DesiredStore({
      client: new S3Client(aws.clientConfig),
      bucket: refs[byType('AWS::S3::Bucket')]!,
    }),
  });

  // EKS around the test control plane, with the template's access entries.
  const accessEntries: AccessEntry[] = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::EKS::AccessEntry')
    .map((r) => ({
      principalArn: value(r.Properties!.PrincipalArn),
      kubernetesGroups: (r.Properties!.KubernetesGroups as string[] | undefined) ?? [],
      accessPolicies: ((r.Properties!.AccessPolicies as Array<{ PolicyArn: unknown }> | undefined) ?? []).map(
        (p) => value(p.PolicyArn).split('/').at(-1)!,
      ),
    }));
  eks = await startEksStandIn({
    kubeconfigPath: process.env.KUBECONFIG!,
    clusterName: CLUSTER,
    region: aws.region,
    stsEndpoint: aws.endpoint,
    accessEntries,
  });
  await applyBootstrapRbac(process.env.KUBECONFIG!);
  const bindings = join(dir, 'access-policy-bindings.yaml');
  await writeFile(bindings, ACCESS_POLICY_BINDINGS);
  await applyBootstrapRbac(process.env.KUBECONFIG!, bindings);
  cluster = await KubeCluster.fromKubeconfig({ kubeconfigPath: process.env.KUBECONFIG });
  step('rbac');

  // The functions, each from its asset directory with its template's configuration.
  const tools = await ensureTools();
  step('tools');
  const start = (prefix: string, name: keyof typeof fns) => {
    const [, fn] = fnOf(prefix);
    const p = fn.Properties!;
    const variables = Object.fromEntries(
      Object.entries((p.Environment as { Variables: Record<string, unknown> }).Variables).map(([k, v]) => [
        k,
        value(v),
      ]),
    );
    const layered = Array.isArray(p.Layers) && p.Layers.length > 0;
    return startLambda({
      codeDir: join(out, fn.Metadata!['aws:asset:path']!),
      handler: String(p.Handler),
      functionName: `syncwave-${name}`,
      timeoutSeconds: Number(p.Timeout),
      memoryMiB: Number(p.MemorySize),
      ephemeralStorageMiB: Number((p.EphemeralStorage as { Size: number } | undefined)?.Size ?? 512),
      ...(layered
        ? { layerFiles: { '/opt/kubectl/kubectl': tools.kubectl, '/opt/helm/helm': tools.helm } }
        : {}),
      environment: {
        ...variables,
        // What Lambda adds: region, the execution role's credentials (moto's), the log format.
        AWS_REGION: aws.region,
        AWS_DEFAULT_REGION: aws.region,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_SESSION_TOKEN: 'testing',
        AWS_LAMBDA_LOG_FORMAT: 'JSON',
        // Where this machine's stand-ins are.
        AWS_ENDPOINT_URL: aws.endpoint,
        AWS_ENDPOINT_URL_EKS: eks.apiUrl,
      },
    });
  };
  [fns.webhook, fns.worker, fns.drift] = await Promise.all([
    start('syncwave webhook', 'webhook'),
    start('syncwave worker', 'worker'),
    start('syncwave drift', 'drift'),
  ]);
  step('functions started');
}, 300_000);

afterAll(async () => {
  for (const fn of Object.values(fns)) await fn?.stop();
  for (const app of ['database', 'backend', 'frontend']) {
    await cluster
      ?.delete('v1', 'Namespace', ns(app), undefined, { propagationPolicy: 'Background' })
      .catch(() => {});
  }
  sqs?.destroy();
  await github?.stop();
  await eks?.stop();
  await aws?.stop();
  if (out) rmSync(out, { recursive: true, force: true });
}, 60_000);

describe('the synthesized bundles on the Lambda runtime emulator', () => {
  let first: string;

  it('webhook -> SQS -> worker deploys the branch through GitHub tarballs, as the deployer identity', async () => {
    // The push that creates the branch: every app, in waves.
    first = await push('first push', ['syncwave.yaml'], async () => {}, '0'.repeat(40));
    const results = await drainToWorker();
    expect(results.map((r) => r.batchItemFailures)).toEqual([[]]);
    expect(await imageOf('frontend')).toBe('ghcr.io/example/frontend:2.0.0');
    expect((await state.getEnvironment(ENV))?.lastRevision).toBe(first);
    expect(github.tarballs).toContain(first);
    expect(github.statuses.filter((s) => s.sha === first).map((s) => s.state)).toEqual([
      'pending',
      'success',
    ]);
    // Every cluster request went through the EKS front end as dev's deployer role, session per job.
    const who = eks.seen.filter((s) => 'user' in s);
    expect(who.length).toBeGreaterThan(10);
    expect(new Set(who.map((s) => ('user' in s ? s.user : '')))).toEqual(
      new Set([expect.stringMatching(new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/EksAccessDeployer`))]),
    );
    expect(eks.seen.filter((s) => 'refused' in s)).toEqual([]);
  });

  it('a warm worker runs job after job with its /tmp bounded', async () => {
    const file = join(repo.dir, 'apps/frontend/values.yaml');
    for (const tag of ['2.0.1', '2.0.2', '2.0.3']) {
      await push(`frontend ${tag}`, ['apps/frontend/values.yaml'], async () =>
        writeFile(file, (await readFile(file, 'utf8')).replace(/tag: "[^"]*"/, `tag: "${tag}"`)),
      );
      expect((await drainToWorker()).map((r) => r.batchItemFailures)).toEqual([[]]);
      expect(await imageOf('frontend')).toBe(`ghcr.io/example/frontend:${tag}`);
    }
    const size = (await fns.worker!.tmpUsage()).size;
    expect(size).toBe(1024 * 1024 * 1024); // the template's EphemeralStorage
    // The worker's cache is in /tmp (the only writable place), with no checkout left in it.
    const listing = (await fns.worker!.run(['find', '/tmp', '-maxdepth', '3'])).split('\n');
    expect(listing).toContain('/tmp/syncwave');
    expect(listing.filter((p) => p.startsWith('/tmp/syncwave/checkouts/'))).toEqual([]);
    // The code directory is read-only, as in Lambda.
    await expect(fns.worker!.run(['touch', '/var/task/probe'])).rejects.toThrow(/Read-only file system/);
    process.stderr.write(
      `[aws-lambda-rie] worker /tmp after each job (bytes): ${workerTmp.join(', ')}; peak during each: ${workerTmpPeak.join(', ')}\n`,
    );
    expect(Math.max(...workerTmpPeak)).toBeGreaterThan(Math.max(...workerTmp)); // a checkout was there
    expect(Math.max(...workerTmpPeak)).toBeLessThan(64 * 1024 * 1024);
    // Checkouts are removed after each job: what stays does not grow job after job.
    expect(Math.max(...workerTmp)).toBeLessThan(16 * 1024 * 1024);
    expect(workerTmp.at(-1)!).toBeLessThanOrEqual(workerTmp[0]! + 256 * 1024);
  });

  it("an object outside the environment's policy (from the stack config) fails the sync before anything is written", async () => {
    const name = `leak-${ID}`;
    const revision = await push('a ClusterRole in the database app', ['apps/database/leak.yaml'], () =>
      repo.write(
        'apps/database/leak.yaml',
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: ${name} }\nrules: []\n`,
      ),
    );
    expect((await drainToWorker()).map((r) => r.batchItemFailures)).toEqual([[]]);
    const [entry] = await state.listHistory(ENV, 'database');
    expect(entry).toMatchObject({ revision, phase: 'Failed' });
    expect(entry?.message).toMatch(
      new RegExp(
        `ClusterRole/${name}: cluster-scoped kind rbac.authorization.k8s.io/ClusterRole is not allowed`,
      ),
    );
    expect(await cluster.get('rbac.authorization.k8s.io/v1', 'ClusterRole', name)).toBeUndefined();
    expect(github.statuses.filter((s) => s.sha === revision).at(-1)?.state).toBe('failure');
  });

  it('drift runs as the observer identity', async () => {
    const seenBefore = eks.seen.length;
    const { body } = await fns.drift!.invoke({
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      time: new Date().toISOString(),
    });
    // Every app compared, the database's Secret included (the bootstrap RBAC lets the observer read
    // Secrets; AmazonEKSViewPolicy alone would leave it Unknown with a 403).
    expect(body, JSON.stringify(body)).toMatchObject({ environments: [{ env: ENV, unknown: [] }] });
    expect(await cluster.get('v1', 'Secret', 'postgres-auth', ns('database'))).toBeDefined();
    const users = new Set(eks.seen.slice(seenBefore).map((s) => ('user' in s ? s.user : s.refused)));
    expect([...users]).toEqual([expect.stringMatching(/assumed-role\/EksAccessObserver/)]);
    // Its stuck-app records (DynamoDB) and topic went through with the stack's permissions.
    expect(fns.drift!.output()).not.toContain('stuck-app notice failed');
  });
});
