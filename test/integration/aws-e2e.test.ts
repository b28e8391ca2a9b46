/**
 * The serverless path end to end, on this machine with no AWS account:
 *
 *   signed push (API Gateway v2 event) -> lambdas/webhook -> SQS FIFO (moto)
 *   -> messages received from moto, as Lambda's event source mapping would -> lambdas/worker
 *   -> real control plane (kube-apiserver + controllers + kwok), DynamoDB + S3 (moto),
 *      commit status to a loopback stand-in for GitHub's API
 *   EventBridge Scheduler event -> lambdas/drift -> self-heal job -> lambdas/worker
 *
 * Real parts: moto for SQS/DynamoDB/S3/Secrets Manager, the control plane from global-setup, a
 * git smart-HTTP server on loopback (with token auth) holding the example repository, real helm and
 * kubectl. The one stand-in is GitHub's commit-status API, which cannot run here.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AwsJsonClient } from '../../adapters/aws/aws-json-client.ts';
import { DynamoStateStore } from '../../adapters/aws/dynamo-state-store.ts';
import { S3DesiredStore } from '../../adapters/aws/s3-desired-store.ts';
import { SqsQueue } from '../../adapters/aws/sqs-queue.ts';
import { PARTITION_KEY, SORT_KEY } from '../../adapters/aws/table-schema.ts';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import type { KubeObject } from '../../engine/index.ts';
import { type AwsEmulator, startAwsEmulator } from '../../harness/aws-emulator.ts';
import { type RunningGitServer, startGitServer } from '../../harness/git-server.ts';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';
import {
  drainToWorker as drainQueueToWorker,
  githubApiEvent,
  lambdaContext as lambdaContextIn,
  receiveMessages,
  sqsEvent as sqsEventOf,
} from '../support/lambda-events.ts';
import { ordinaryPush } from '../unit/ingest/github-push-examples.ts';

const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;
const WEBHOOK_SECRET = 'e2e-webhook-secret';
const GIT_TOKEN = 'e2e-git-token';
const ID = `e2e${process.pid % 1000}${Date.now() % 10_000}`;
const ENV = `aws${ID}`;
const ns = (app: string) => `${ID}-${app}`;

type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
type WorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
type DriftHandler = (
  event: unknown,
  context?: Context,
) => Promise<{ environments: Array<{ env: string; outOfSync: string[]; jobs: Array<{ reason: string }> }> }>;

interface StatusPost {
  path: string;
  authorization?: string;
  body: { state: string; context: string; description?: string };
}

let aws: AwsEmulator;
let sqs: SQSClient;
let queueUrl: string;
let queueArn: string;
let state: DynamoStateStore;
let git: RunningGitServer;
let repo: GitWorkRepo;
let cluster: KubeCluster;
let github: Server;
const statuses: StatusPost[] = [];
const logLines: Array<Record<string, unknown>> = [];
let webhook: ApiHandler;
let worker: WorkerHandler;
let drift: DriftHandler;
const saved = { ...process.env };

/**
 * A stand-in for GitHub's commit-status API (POST /repos/:owner/:repo/statuses/:sha): GitHub's
 * API cannot run here. It records what the worker's GithubNotifier (Octokit) sends.
 */
async function startGithubStandIn(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const m = /^\/repos\/[^/]+\/[^/]+\/statuses\/[0-9a-f]{40}$/.exec(req.url ?? '');
      if (req.method === 'POST' && m) {
        statuses.push({
          path: req.url!,
          authorization: req.headers.authorization,
          body: JSON.parse(body),
        });
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id: statuses.length }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${addr.port}` };
}

beforeAll(async () => {
  aws = await startAwsEmulator();
  sqs = new SQSClient(aws.clientConfig);
  // The resources as infra/ defines them: FIFO queue, one table (pk/sk, on demand), a bucket, secrets.
  queueUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: `syncwave-jobs-${ID}.fifo`,
        Attributes: { FifoQueue: 'true', VisibilityTimeout: '1800' },
      }),
    )
  ).QueueUrl!;
  queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes!.QueueArn!;
  const dynamo = new DynamoDBClient(aws.clientConfig);
  const tableName = `syncwave-state-${ID}`;
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: PARTITION_KEY, AttributeType: 'S' },
        { AttributeName: SORT_KEY, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
        { AttributeName: SORT_KEY, KeyType: 'RANGE' },
      ],
    }),
  );
  const s3 = new S3Client(aws.clientConfig);
  const bucketName = `syncwave-desired-${ID}`.toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
  state = new DynamoStateStore({
    client: dynamo,
    tableName,
    desired: new S3DesiredStore({ client: s3, bucket: bucketName }),
  });
  const secrets = new SecretsManagerClient(aws.clientConfig);
  const webhookSecretArn = (
    await secrets.send(new CreateSecretCommand({ Name: `webhook-${ID}`, SecretString: WEBHOOK_SECRET }))
  ).ARN!;
  const gitTokenArn = (
    await secrets.send(new CreateSecretCommand({ Name: `git-token-${ID}`, SecretString: GIT_TOKEN }))
  ).ARN!;
  secrets.destroy();

  // The GitOps repository on a loopback git server that wants the token, as a private repo would.
  const dir = await mkdtemp(join(tmpdir(), 'sw-aws-e2e-'));
  git = await startGitServer({ root: join(dir, 'git'), auth: `x-access-token:${GIT_TOKEN}` });
  const repoUrl = `${git.url}/acme/gitops.git`;
  repo = await createWorkRepo({
    dir: join(dir, 'work'),
    from: EXAMPLES,
    branches: ['develop'],
    bareDir: join(dir, 'git', 'acme', 'gitops.git'),
    remoteUrl: repoUrl.replace('http://', `http://x-access-token:${GIT_TOKEN}@`),
  });
  const config = (await readFile(join(repo.dir, 'syncwave.yaml'), 'utf8'))
    .replace(/^ {2}dev: .*$/m, `  ${ENV}: { branch: develop, cluster: test, namespacePrefix: ${ID}- }`)
    .replace(/^ {2}prod: .*$/m, '')
    .replaceAll('values-${env}.yaml', 'values-dev.yaml');
  await writeFile(join(repo.dir, 'syncwave.yaml'), config);
  await repo.commitAll(`environment ${ENV}`);
  await repo.push('develop');

  const stand = await startGithubStandIn();
  github = stand.server;
  const tools = await ensureTools();
  cluster = await KubeCluster.fromKubeconfig({ kubeconfigPath: process.env.KUBECONFIG });

  Object.assign(process.env, {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: aws.region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SYNCWAVE_ENVIRONMENTS: JSON.stringify([
      { name: ENV, branch: 'develop', cluster: 'test', region: aws.region, namespacePrefix: `${ID}-` },
    ]),
    SYNCWAVE_QUEUE_URL: queueUrl,
    SYNCWAVE_WEBHOOK_SECRET_ID: webhookSecretArn,
    SYNCWAVE_REPO: repoUrl,
    SYNCWAVE_TABLE_NAME: tableName,
    SYNCWAVE_BUCKET_NAME: bucketName,
    SYNCWAVE_GIT_TOKEN_SECRET_ID: gitTokenArn,
    SYNCWAVE_HISTORY_LIMIT: '10',
    SYNCWAVE_GITHUB_API_URL: stand.url,
    SYNCWAVE_KUBECONFIG: process.env.KUBECONFIG,
    SYNCWAVE_CACHE: join(dir, 'cache'),
    SYNCWAVE_TOOLS_DIR: dirname(dirname(tools.helm)),
  });
  // The handlers' JSON log lines (Powertools writes them to stdout), to check what they said.
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        logLines.push(JSON.parse(line));
        if (process.env.SYNCWAVE_E2E_LOGS) write(`${line}\n`);
      } catch {
        // not JSON
      }
    }
    if (text.startsWith('{')) return true;
    return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  });
  // The handlers read their configuration at module init: import them after the variables are set.
  vi.resetModules();
  ({ handler: webhook } = await import('../../lambdas/webhook/handler.ts'));
  ({ handler: worker } = await import('../../lambdas/worker/handler.ts'));
  ({ handler: drift } = await import('../../lambdas/drift/handler.ts'));
}, 180_000);

afterAll(async () => {
  vi.restoreAllMocks();
  process.env = saved;
  for (const app of ['database', 'backend', 'frontend']) {
    for (const name of [ns(app), `${ID}b-${app}`])
      await cluster
        ?.delete('v1', 'Namespace', name, undefined, { propagationPolicy: 'Background' })
        .catch(() => {});
  }
  sqs?.destroy();
  await git?.stop();
  await new Promise((r) => (github ? github.close(r) : r(undefined)));
  await aws?.stop();
}, 60_000);

/** A push payload from @octokit/webhooks-examples, changed to our repository, branch and commits. */
function pushPayload(opts: {
  before: string;
  commits: Array<{ id: string; message: string; modified: string[] }>;
  created?: boolean;
  branch?: string;
}) {
  const p = ordinaryPush(opts.branch ?? 'develop');
  const after = opts.commits.at(-1)!.id;
  p.before = opts.before;
  p.after = after;
  p.created = opts.created ?? false;
  p.compare = `https://github.com/acme/gitops/compare/${opts.before.slice(0, 12)}...${after.slice(0, 12)}`;
  p.repository.name = 'gitops';
  p.repository.full_name = 'acme/gitops';
  p.repository.clone_url = process.env.SYNCWAVE_REPO;
  p.repository.html_url = 'https://github.com/acme/gitops';
  p.repository.ssh_url = 'git@github.com:acme/gitops.git';
  p.repository.git_url = 'git://github.com/acme/gitops.git';
  const template = p.head_commit ?? p.commits[0];
  p.commits = opts.commits.map((c) => ({
    ...template,
    id: c.id,
    tree_id: c.id,
    message: c.message,
    url: `https://github.com/acme/gitops/commit/${c.id}`,
    added: [],
    removed: [],
    modified: c.modified,
  }));
  p.head_commit = p.commits.at(-1);
  p.size = p.commits.length;
  return p;
}

/** The API Gateway HTTP API (payload v2) event GitHub's delivery becomes, signed with the secret. */
const apiEvent = (payload: unknown, deliveryId: string): APIGatewayProxyEventV2 =>
  githubApiEvent({ event: 'push', payload, secret: WEBHOOK_SECRET, deliveryId });

const lambdaContext = (name: string, timeoutMs?: number): Context =>
  lambdaContextIn(name, aws.region, timeoutMs);
const sqsEvent = (messages: Message[]): SQSEvent => sqsEventOf(messages, queueArn, aws.region);
const receive = (): Promise<Message[]> => receiveMessages(sqs, queueUrl);
const drainToWorker = (): Promise<{ batches: SQSEvent[]; failures: string[] }> =>
  drainQueueToWorker({ sqs, queueUrl, queueArn, region: aws.region, worker });

async function deployment(app: string): Promise<KubeObject> {
  const d = await cluster.get('apps/v1', 'Deployment', app, ns(app));
  if (!d) throw new Error(`no Deployment ${app} in ${ns(app)}`);
  return d;
}

const imageOf = (d: KubeObject) =>
  (d.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]
    ?.image;

async function setTag(tag: string): Promise<string> {
  const file = join(repo.dir, 'apps/frontend/values.yaml');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/tag: "[^"]*"/, `tag: "${tag}"`));
  return repo.commitAll(`frontend ${tag}`);
}

const logsFor = (deliveryId: string) =>
  logLines.filter((l) => String(l.deliveryId ?? '').startsWith(deliveryId));

describe('serverless path: webhook -> SQS FIFO -> worker -> cluster; drift -> self-heal', () => {
  let first: string;
  let c1: string;
  const push1 = randomUUID();

  it('deploys the branch, then a signed push of image.tag 2.0.0 -> 2.0.1 rolls out the frontend', async () => {
    first = await repo.head();
    // The push that created the branch: all apps, in waves.
    const created = pushPayload({
      before: '0000000000000000000000000000000000000000',
      commits: [{ id: first, message: `environment ${ENV}`, modified: ['syncwave.yaml'] }],
      created: true,
    });
    const r0 = await webhook(apiEvent(created, randomUUID()));
    expect(r0.statusCode, r0.body).toBe(202);
    const d0 = await drainToWorker();
    expect(d0.failures).toEqual([]);
    expect(imageOf(await deployment('frontend'))).toBe('ghcr.io/example/frontend:2.0.0');

    c1 = await setTag('2.0.1');
    await repo.push('develop');
    const r1 = await webhook(
      apiEvent(
        pushPayload({
          before: first,
          commits: [{ id: c1, message: 'frontend 2.0.1', modified: ['apps/frontend/values.yaml'] }],
        }),
        push1,
      ),
    );
    expect(r1.statusCode, r1.body).toBe(202);
    expect(JSON.parse(r1.body!).jobs).toMatchObject([
      { id: `${push1}:${ENV}`, env: ENV, revision: c1, changedPaths: ['apps/frontend/values.yaml'] },
    ]);
    const d1 = await drainToWorker();
    expect(d1.failures).toEqual([]);
    // The message as SQS delivered it: FIFO group = environment, deduplication = delivery id.
    expect(d1.batches[0]!.Records[0]!.attributes).toMatchObject({
      MessageGroupId: ENV,
      MessageDeduplicationId: `${push1}:${ENV}`,
    });

    const frontend = await deployment('frontend');
    expect(imageOf(frontend)).toBe('ghcr.io/example/frontend:2.0.1');
    // Rolled out: the controller made a new ReplicaSet and scaled the old one down.
    await expect
      .poll(
        async () => {
          const rss = await cluster.list('apps/v1', 'ReplicaSet', { namespace: ns('frontend') });
          return rss.map((rs) => [imageOf(rs), (rs.spec as { replicas: number }).replicas]);
        },
        { timeout: 60_000, interval: 500 },
      )
      .toContainEqual(['ghcr.io/example/frontend:2.0.0', 0]);

    // State and history in DynamoDB.
    const app = await state.getApp(ENV, 'frontend');
    expect(app).toMatchObject({ env: ENV, app: 'frontend', syncedRevision: c1, syncStatus: 'Synced' });
    const history = await state.listHistory(ENV, 'frontend');
    expect(history.map((h) => h.revision)).toEqual([c1, first]);
    expect(history[0]).toMatchObject({ deliveryId: `${push1}:${ENV}`, phase: 'Succeeded' });
    expect((await state.getEnvironment(ENV))?.lastRevision).toBe(c1);
    // Only the frontend was affected by the change.
    expect((await state.listHistory(ENV, 'backend')).map((h) => h.revision)).toEqual([first]);
    expect(await state.getDesired(ENV, 'frontend', c1)).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'Deployment' })]),
    );

    // The commit status, as received by the GitHub stand-in: pending, then success.
    const forC1 = statuses.filter((s) => s.path === `/repos/acme/gitops/statuses/${c1}`);
    expect(forC1.map((s) => s.body.state)).toEqual(['pending', 'success']);
    expect(forC1[1]!.body.context).toBe(`syncwave/${ENV}`);
    expect(forC1[1]!.authorization).toBe(`token ${GIT_TOKEN}`);

    // The worker logged with the shared keys.
    expect(logsFor(push1)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: 'job finished', env: ENV, revision: c1, outcome: 'succeeded' }),
        expect.objectContaining({ message: 'app synced', app: 'frontend', wave: 2 }),
      ]),
    );
  });

  it('the same delivery sent twice syncs once', async () => {
    const payload = pushPayload({
      before: first,
      commits: [{ id: c1, message: 'frontend 2.0.1', modified: ['apps/frontend/values.yaml'] }],
    });
    const again = await webhook(apiEvent(payload, push1));
    expect(again.statusCode).toBe(202);
    const d = await drainToWorker();
    expect(d.failures).toEqual([]);
    // And once more at the worker, as an at-least-once redelivery of the message would arrive.
    const redelivered = await worker(
      {
        Records: [
          {
            messageId: randomUUID(),
            receiptHandle: 'redelivered',
            body: JSON.stringify(JSON.parse(again.body!).jobs[0]),
            attributes: {
              ApproximateReceiveCount: '2',
              SentTimestamp: String(Date.now()),
              SenderId: 'AIDAEXAMPLE',
              ApproximateFirstReceiveTimestamp: String(Date.now()),
              MessageGroupId: ENV,
              MessageDeduplicationId: `${push1}:${ENV}`,
            },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: queueArn,
            awsRegion: aws.region,
          },
        ],
      },
      lambdaContext('syncwave-worker'),
    );
    expect(redelivered.batchItemFailures).toEqual([]);
    const history = await state.listHistory(ENV, 'frontend');
    expect(history.filter((h) => h.revision === c1)).toHaveLength(1);
    expect(
      logsFor(push1)
        .filter((l) => l.message === 'job result')
        .map((l) => l.outcome),
    ).toEqual(expect.arrayContaining(['succeeded', 'skipped']));
    expect(
      logsFor(push1).filter((l) => l.outcome === 'succeeded' && l.message === 'job result'),
    ).toHaveLength(1);
  });

  it('an older revision delivered after a newer one is recorded as superseded and deploys nothing', async () => {
    const c2 = await setTag('2.0.2');
    const c3 = await setTag('2.0.3');
    await repo.push('develop');
    const newer = randomUUID();
    const older = randomUUID();
    const r3 = await webhook(
      apiEvent(
        pushPayload({
          before: c1,
          commits: [
            { id: c2, message: 'frontend 2.0.2', modified: ['apps/frontend/values.yaml'] },
            { id: c3, message: 'frontend 2.0.3', modified: ['apps/frontend/values.yaml'] },
          ],
        }),
        newer,
      ),
    );
    expect(r3.statusCode).toBe(202);
    expect((await drainToWorker()).failures).toEqual([]);
    expect(imageOf(await deployment('frontend'))).toBe('ghcr.io/example/frontend:2.0.3');

    // A delayed delivery of the push that moved develop to c2.
    const r2 = await webhook(
      apiEvent(
        pushPayload({
          before: c1,
          commits: [{ id: c2, message: 'frontend 2.0.2', modified: ['apps/frontend/values.yaml'] }],
        }),
        older,
      ),
    );
    expect(r2.statusCode).toBe(202);
    expect((await drainToWorker()).failures).toEqual([]);
    const skipped = logsFor(older).find((l) => l.message === 'job result');
    expect(skipped).toMatchObject({ outcome: 'superseded', revision: c2 });
    expect(String(skipped?.detail)).toMatch(/no longer the tip of develop/);
    expect(imageOf(await deployment('frontend'))).toBe('ghcr.io/example/frontend:2.0.3');
    expect((await state.getEnvironment(ENV))?.lastRevision).toBe(c3);
    expect((await state.listHistory(ENV, 'frontend')).map((h) => h.revision)).not.toContain(c2);
  });

  it('a manual scale is found by the drift handler and healed by the self-heal job it queues', async () => {
    const inGit = (await deployment('backend')).spec as { replicas: number };
    expect(inGit.replicas).not.toBe(5);
    await cluster.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'backend', namespace: ns('backend') },
        spec: { replicas: 5 },
      },
      { dryRun: false, force: true, fieldManager: 'kubectl-scale' },
    );
    // The event EventBridge Scheduler delivers (Scheduled Event from aws.scheduler).
    const report = await drift(
      {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.scheduler',
        account: '123456789012',
        time: new Date().toISOString(),
        region: aws.region,
        resources: [`arn:aws:scheduler:${aws.region}:123456789012:schedule/default/syncwave-drift`],
        detail: '{}',
      },
      lambdaContext('syncwave-drift', 120_000),
    );
    expect(report.environments).toMatchObject([
      { env: ENV, outOfSync: ['backend'], jobs: [{ reason: 'self-heal', apps: ['backend'] }] },
    ]);
    const { batches, failures } = await drainToWorker();
    expect(failures).toEqual([]);
    expect(JSON.parse(batches[0]!.Records[0]!.body)).toMatchObject({
      reason: 'self-heal',
      apps: ['backend'],
    });
    expect(((await deployment('backend')).spec as { replicas: number }).replicas).toBe(inGit.replicas);
    const history = await state.listHistory(ENV, 'backend');
    expect(history[0]).toMatchObject({ initiator: 'self-heal', phase: 'Succeeded' });

    // Healed: the next check finds nothing and queues nothing.
    const after = await drift({}, lambdaContext('syncwave-drift', 120_000));
    expect(after.environments).toMatchObject([{ env: ENV, outOfSync: [], jobs: [] }]);
    expect(await receive()).toEqual([]);
  });

  it('a rollout longer than the invocation stops before the timeout and continues in a follow-up message', async () => {
    // A new backend image whose pods count as available only 12 s after they are ready: its wave
    // cannot be healthy within an invocation that has 36 s left (the worker stops 30 s before).
    const file = join(repo.dir, 'apps/backend/base/deployment.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace(/^ {2}replicas: (\d+)$/m, '  replicas: $1\n  minReadySeconds: 12')
        .replace('backend:1.4.0', 'backend:1.4.1'),
    );
    await repo.commitAll('backend 1.4.1, minReadySeconds');
    const before = await repo.head('HEAD~1');
    const c4 = await setTag('2.0.4');
    await repo.push('develop');
    const delivery = randomUUID();
    const res = await webhook(
      apiEvent(
        pushPayload({
          before,
          commits: [
            {
              id: await repo.head('HEAD~1'),
              message: 'backend',
              modified: ['apps/backend/base/deployment.yaml'],
            },
            { id: c4, message: 'frontend 2.0.4', modified: ['apps/frontend/values.yaml'] },
          ],
        }),
        delivery,
      ),
    );
    expect(res.statusCode, res.body).toBe(202);
    const messages = await receive();
    expect(messages).toHaveLength(1);
    const short = await worker(sqsEvent(messages), lambdaContext('syncwave-worker', 36_000));
    expect(short.batchItemFailures).toEqual([]);
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: messages[0]!.ReceiptHandle! }),
    );
    expect((await state.getEnvironment(ENV))?.inProgress).toMatchObject({
      jobId: `${delivery}:${ENV}`,
      revision: c4,
    });
    expect(imageOf(await deployment('frontend'))).toBe('ghcr.io/example/frontend:2.0.3');

    const { batches, failures } = await drainToWorker();
    expect(failures).toEqual([]);
    expect(batches[0]!.Records[0]!.messageAttributes.attempt?.stringValue).toBe('1');
    expect(JSON.parse(batches[0]!.Records[0]!.body).id).toBe(`${delivery}:${ENV}`);
    expect(imageOf(await deployment('frontend'))).toBe('ghcr.io/example/frontend:2.0.4');
    const backend = await deployment('backend');
    expect((backend.spec as { minReadySeconds?: number }).minReadySeconds).toBe(12);
    expect(imageOf(backend)).toBe('ghcr.io/example/backend:1.4.1');
    const envState = await state.getEnvironment(ENV);
    expect(envState?.lastRevision).toBe(c4);
    expect(envState?.inProgress).toBeUndefined();
    expect((await state.listHistory(ENV, 'backend')).filter((h) => h.revision === c4)).toHaveLength(1);
    expect((await state.listHistory(ENV, 'frontend')).filter((h) => h.revision === c4)).toHaveLength(1);
    const forC4 = statuses.filter((s) => s.path.endsWith(`/statuses/${c4}`)).map((s) => s.body.state);
    expect(forC4.at(-1)).toBe('success');
  });

  it("a follow-up message of a job that stopped early is not dropped by SQS's deduplication", async () => {
    const queue = new SqsQueue({ client: AwsJsonClient.fromEnv('sqs', process.env), queueUrl });
    const job = {
      id: `long-rollout-${ID}:${ENV}`,
      repo: process.env.SYNCWAVE_REPO!,
      env: ENV,
      revision: await repo.head(),
      changedPaths: [] as string[],
      reason: 'manual' as const,
      dryRun: true,
      enqueuedAt: new Date().toISOString(),
    };
    await queue.send(job);
    await queue.send(job); // a duplicate: dropped
    await queue.send(job, { attempt: 1 }); // the follow-up: same job id, kept
    const seen: Message[] = [];
    for (let i = 0; i < 5; i++) {
      const got = await receive();
      if (!got.length) break;
      seen.push(...got);
      for (const m of got)
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
    expect(seen.map((m) => [JSON.parse(m.Body!).id, m.MessageAttributes?.attempt?.StringValue])).toEqual([
      [job.id, undefined],
      [job.id, '1'],
    ]);
  });
  it("environments never block each other: B's push syncs while A's job runs to its deadline; a busy continuation returns in 30 s", async () => {
    // Environment B, bound to branch staging; its own namespaces (prefix ID + "b-").
    const envB = `${ENV}b`;
    const cfg = join(repo.dir, 'syncwave.yaml');
    await writeFile(
      cfg,
      (await readFile(cfg, 'utf8')).replace(
        /^environments:\n/m,
        `environments:\n  ${envB}: { branch: staging, cluster: test, namespacePrefix: ${ID}b- }\n`,
      ),
    );
    const withB = await repo.commitAll(`environment ${envB}`);
    await repo.git('branch', 'staging', withB);
    // A's change: a backend whose new pods count as available only after 300 s (the health timeout
    // is the default 300 s, the progress deadline 600 s), so A's job runs to the deadline of its
    // invocation (60 s) and continues.
    const file = join(repo.dir, 'apps/backend/base/deployment.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace(/minReadySeconds: \d+/, 'minReadySeconds: 300')
        .replace('backend:1.4.1', 'backend:1.4.2'),
    );
    const cA = await repo.commitAll('backend 1.4.2, minReadySeconds 300');
    await repo.push('develop', 'staging');

    // The stack with two environments, and the worker as two containers: Lambda runs each
    // concurrent invocation in its own (module state such as the batch processor is per container).
    const oneEnv = process.env.SYNCWAVE_ENVIRONMENTS;
    process.env.SYNCWAVE_ENVIRONMENTS = JSON.stringify([
      { name: ENV, branch: 'develop', cluster: 'test', region: aws.region, namespacePrefix: `${ID}-` },
      { name: envB, branch: 'staging', cluster: 'test', region: aws.region, namespacePrefix: `${ID}b-` },
    ]);
    const load = async <T>(path: string): Promise<T> => {
      vi.resetModules();
      return (await import(path)).handler as T;
    };
    const webhook2 = await load<ApiHandler>('../../lambdas/webhook/handler.ts');
    const workerA = await load<WorkerHandler>('../../lambdas/worker/handler.ts');
    const workerB = await load<WorkerHandler>('../../lambdas/worker/handler.ts');
    process.env.SYNCWAVE_ENVIRONMENTS = oneEnv;
    // One message per receive, as the event source with batch size 1 invokes the worker.
    const receiveOne = async (waitSeconds = 0): Promise<Message[]> =>
      (
        await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: waitSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        )
      ).Messages ?? [];
    const del = (m: Message) =>
      sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));

    const deliveryA = randomUUID();
    const rA = await webhook2(
      apiEvent(
        pushPayload({
          before: await repo.head('HEAD~2'),
          commits: [
            { id: withB, message: `environment ${envB}`, modified: ['syncwave.yaml'] },
            { id: cA, message: 'backend 1.4.2', modified: ['apps/backend/base/deployment.yaml'] },
          ],
        }),
        deliveryA,
      ),
    );
    expect(rA.statusCode, rA.body).toBe(202);
    const [mA] = await receiveOne();
    expect(mA?.Attributes?.MessageGroupId).toBe(ENV);
    // A's invocation: 90 s left, so its job's deadline is 60 s away (the worker keeps 30 s).
    const aStart = Date.now();
    let aEnd = 0;
    const invocationA = workerA(sqsEvent([mA!]), lambdaContext('syncwave-worker', 90_000)).then((r) => {
      aEnd = Date.now();
      return r;
    });
    await expect
      .poll(() => logsFor(deliveryA).some((l) => l.message === 'job started'), { timeout: 30_000 })
      .toBe(true);

    // B's push while A's job is in progress.
    const deliveryB = randomUUID();
    const bSent = Date.now();
    const rB = await webhook2(
      apiEvent(
        pushPayload({
          before: '0000000000000000000000000000000000000000',
          commits: [{ id: withB, message: `environment ${envB}`, modified: ['syncwave.yaml'] }],
          created: true,
          branch: 'staging',
        }),
        deliveryB,
      ),
    );
    expect(rB.statusCode, rB.body).toBe(202);
    const [mB] = await receiveOne();
    const bReceived = Date.now();
    // A's group has a message in flight; B's group is delivered beside it, at once.
    expect(mB?.Attributes?.MessageGroupId).toBe(envB);
    expect(aEnd).toBe(0);
    const resB = await workerB(sqsEvent([mB!]), lambdaContext('syncwave-worker', 300_000));
    expect(resB.batchItemFailures).toEqual([]);
    await del(mB!);
    const bDone = Date.now();
    expect(logsFor(deliveryB).find((l) => l.message === 'job result')).toMatchObject({
      env: envB,
      outcome: 'succeeded',
    });
    expect((await state.getEnvironment(envB))?.lastRevision).toBe(withB);

    const resA = await invocationA;
    expect(resA.batchItemFailures).toEqual([]);
    await del(mA!);
    expect(
      logsFor(deliveryA).find((l) => l.message === 'job continues in a follow-up message'),
      JSON.stringify(logsFor(deliveryA).map((l) => [l.message, l.app, l.outcome, l.detail])),
    ).toMatchObject({
      env: ENV,
      outcome: 'continue',
    });
    const aSeconds = (aEnd - aStart) / 1000;
    const bSeconds = (bDone - bSent) / 1000;
    // B waited for its own sync only: not for A's deadline, nor the 1,800 s visibility timeout.
    expect(bReceived - bSent).toBeLessThan(5_000);
    expect(bSeconds).toBeLessThan(120);
    expect(aSeconds).toBeGreaterThanOrEqual(55);

    // A's continuation, received while another holder has A's lease (as a crashed invocation's
    // lease stays until it expires): busy, reported as failed, visible again after 30 s.
    expect(await state.acquireLease(ENV, 'other-holder', 120_000, Date.now())).toBe(true);
    const [cont] = await receiveOne();
    expect(cont?.MessageAttributes?.attempt?.StringValue).toBe('1');
    const resBusy = await workerA(sqsEvent([cont!]), lambdaContext('syncwave-worker', 300_000));
    expect(resBusy.batchItemFailures).toEqual([{ itemIdentifier: cont!.MessageId }]);
    const busyAt = Date.now();
    await state.releaseLease(ENV, 'other-holder');
    let back: Message | undefined;
    while (!back && Date.now() - busyAt < 90_000) [back] = await receiveOne(1);
    const backSeconds = (Date.now() - busyAt) / 1000;
    expect(back?.MessageId).toBe(cont!.MessageId);
    expect(back?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(backSeconds).toBeGreaterThanOrEqual(25);
    expect(backSeconds).toBeLessThan(60);
    // A's backend would need 300 s: the continuation is not run here.
    await del(back!);
    process.stderr.write(
      `[aws-e2e] environments side by side (load ${(await readFile('/proc/loadavg', 'utf8')).split(' ')[0]}): ` +
        `B push -> B synced ${bSeconds.toFixed(1)} s (received ${((bReceived - bSent) / 1000).toFixed(1)} s after the push) ` +
        `while A's invocation ran ${aSeconds.toFixed(1)} s to its deadline; A's busy continuation visible again after ${backSeconds.toFixed(1)} s\n`,
    );
  }, 300_000);

  it("a warm container removes each job's checkout: /tmp use stays bounded job after job", async () => {
    const removed = logLines.filter((l) => l.message === 'checkouts removed');
    // Every job of this file ran in this one process, as in one warm Lambda container.
    expect(removed.length).toBeGreaterThanOrEqual(5);
    const bytes = removed.map((l) => Number(l.cacheBytes));
    expect(bytes.every((b) => Number.isFinite(b) && b >= 0)).toBe(true);
    // What stays is the git mirror and helm's home, not one checkout per revision.
    expect(existsSync(join(process.env.SYNCWAVE_CACHE!, 'checkouts'))).toBe(false);
    expect(Math.max(...bytes)).toBeLessThan(64 * 1024 * 1024);
    expect(bytes.at(-1)!).toBeLessThan(bytes[0]! + 1024 * 1024);
    process.stderr.write(`[aws-e2e] /tmp after each of ${bytes.length} jobs (bytes): ${bytes.join(', ')}\n`);
  });
});
