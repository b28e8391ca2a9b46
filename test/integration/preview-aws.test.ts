/**
 * Pull request previews on the serverless path, on this machine with no AWS account:
 *
 *   signed pull_request (API Gateway v2 event) -> lambdas/webhook -> SQS FIFO (moto)
 *   -> messages received from moto, as Lambda's event source mapping would -> lambdas/worker
 *   -> the preview job, reaching the real control plane as the previewer
 *   -> a check run posted to a loopback stand-in for GitHub's check-runs API
 *
 * Real parts: moto for SQS/DynamoDB/S3/Secrets Manager/STS, the control plane from global-setup
 * with infra/eks-bootstrap-rbac.yaml applied (the previewer's RBAC and its dry-run-only admission
 * policy), a git smart-HTTP server on loopback with token auth, real helm and kubectl.
 * Stand-ins, because they cannot run here: GitHub's check-runs and commit-status APIs (a loopback
 * server that records the calls), and the EKS access entry that maps the previewer role to the
 * group syncwave:previewer: the worker is told to impersonate that group through its kubeconfig
 * (SYNCWAVE_PREVIEW_IMPERSONATE), so the API server authorizes its preview requests as EKS would.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PARTITION_KEY, SORT_KEY } from '../../adapters/aws/table-schema.ts';
import { impersonatingKubeconfig } from '../../adapters/kube/impersonating-access.ts';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import type { KubeObject } from '../../engine/index.ts';
import { type AwsEmulator, startAwsEmulator } from '../../harness/aws-emulator.ts';
import { type RunningGitServer, startGitServer } from '../../harness/git-server.ts';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';
import { syncConfigFromEnv } from '../../lambdas/shared/sync-config.ts';
import { createSyncRuntime } from '../../lambdas/shared/sync-deps.ts';
import {
  type ApiHandler,
  drainToWorker,
  githubApiEvent,
  receiveMessages,
  type WorkerHandler,
} from '../support/lambda-events.ts';
import {
  PREVIEWER_GROUP,
  PREVIEWER_USER,
  previewerPolicyInEffect,
  setUpPreviewerRbac,
} from '../support/previewer-identity.ts';
import { ordinaryPush } from '../unit/ingest/github-push-examples.ts';

const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;
const WEBHOOK_SECRET = 'preview-webhook-secret';
const GIT_TOKEN = 'preview-git-token';
const ID = `pa${process.pid % 1000}${Date.now() % 10_000}`;
const ENV = `aws${ID}`;
const ns = (app: string) => `${ID}-${app}`;

interface GithubCall {
  method: string;
  path: string;
  authorization?: string;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies as GitHub receives them
  body: Record<string, any>;
}

let aws: AwsEmulator;
let sqs: SQSClient;
let queueUrl: string;
let queueArn: string;
let git: RunningGitServer;
let repo: GitWorkRepo;
let repoUrl: string;
let dir: string;
let cluster: KubeCluster;
let github: Server;
const calls: GithubCall[] = [];
let webhook: ApiHandler;
let worker: WorkerHandler;
const saved = { ...process.env };

/**
 * The stand-in for GitHub's API (it cannot run here): check runs (POST/PATCH
 * /repos/:owner/:repo/check-runs[/:id]) and commit statuses (POST /repos/:owner/:repo/statuses/:sha),
 * each call recorded as received from the worker's Octokit.
 */
async function startGithubStandIn(): Promise<string> {
  github = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const url = req.url ?? '';
      const create = req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/check-runs$/.test(url);
      const update = req.method === 'PATCH' && /^\/repos\/[^/]+\/[^/]+\/check-runs\/\d+$/.test(url);
      const status = req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/statuses\/[0-9a-f]{40}$/.test(url);
      if (!create && !update && !status) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        return;
      }
      calls.push({
        method: req.method!,
        path: url,
        authorization: req.headers.authorization,
        body: JSON.parse(body),
      });
      res
        .writeHead(update ? 200 : 201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: calls.length }));
    });
  });
  await new Promise<void>((r) => github.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(github.address() as { port: number }).port}`;
}

/** The check run of a head commit as the stand-in received it: its create and its completing update. */
function checkRunOf(sha: string) {
  const created = calls.find(
    (c) => c.method === 'POST' && c.path.endsWith('/check-runs') && c.body.head_sha === sha,
  );
  if (!created)
    throw new Error(`no check run for ${sha.slice(0, 7)}: ${JSON.stringify(calls.map((c) => c.path))}`);
  const id = calls.indexOf(created) + 1;
  const done = calls.find((c) => c.method === 'PATCH' && c.path.endsWith(`/check-runs/${id}`));
  if (!done) throw new Error(`the check run for ${sha.slice(0, 7)} was never completed`);
  return { created, done };
}

const drain = () => drainToWorker({ sqs, queueUrl, queueArn, region: aws.region, worker });

/** A pull_request delivery (GitHub's shape, the fields syncwave reads), from a fork when `fork`. */
function pullRequest(opts: { number: number; branch: string; sha: string; fork?: boolean; action?: string }) {
  const base = { id: 1, full_name: 'acme/gitops', clone_url: repoUrl };
  const head = opts.fork
    ? { id: 2, full_name: 'someone/gitops', clone_url: 'https://github.com/someone/gitops.git' }
    : base;
  return githubApiEvent({
    event: 'pull_request',
    secret: WEBHOOK_SECRET,
    payload: {
      action: opts.action ?? 'opened',
      number: opts.number,
      pull_request: {
        number: opts.number,
        head: { sha: opts.sha, ref: opts.branch, repo: head },
        base: { ref: 'develop', sha: 'f'.repeat(40), repo: base },
      },
      repository: { ...base, html_url: 'https://github.com/acme/gitops' },
    },
  });
}

/** A branch off develop with `change` committed and pushed; back on develop. Returns its head. */
async function prBranch(name: string, change: () => Promise<void>): Promise<string> {
  await repo.git('checkout', '-q', '-B', name, 'develop');
  await change();
  const sha = await repo.commitAll(name);
  await repo.push(name);
  await repo.checkout('develop');
  return sha;
}

async function deployment(app: string): Promise<KubeObject> {
  const d = await cluster.get('apps/v1', 'Deployment', app, ns(app));
  if (!d) throw new Error(`no Deployment ${app} in ${ns(app)}`);
  return d;
}

/** What a write would change (not resourceVersion: controllers keep writing the status). */
const specOf = (d: KubeObject) => ({ uid: d.metadata.uid, generation: d.metadata.generation, spec: d.spec });

/** The webhook handler as a cold start with these variables (it reads its configuration at import). */
async function coldWebhook(extra: Record<string, string | undefined>): Promise<ApiHandler> {
  const before = { ...process.env };
  Object.assign(process.env, extra);
  try {
    vi.resetModules();
    return (await import('../../lambdas/webhook/handler.ts')).handler;
  } finally {
    process.env = before;
  }
}

beforeAll(async () => {
  aws = await startAwsEmulator();
  sqs = new SQSClient(aws.clientConfig);
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
  dynamo.destroy();
  const s3 = new S3Client(aws.clientConfig);
  const bucketName = `syncwave-desired-${ID}`.toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
  s3.destroy();
  const secrets = new SecretsManagerClient(aws.clientConfig);
  const webhookSecretArn = (
    await secrets.send(new CreateSecretCommand({ Name: `webhook-${ID}`, SecretString: WEBHOOK_SECRET }))
  ).ARN!;
  const gitTokenArn = (
    await secrets.send(new CreateSecretCommand({ Name: `git-token-${ID}`, SecretString: GIT_TOKEN }))
  ).ARN!;
  secrets.destroy();

  dir = await mkdtemp(join(tmpdir(), 'sw-preview-aws-'));
  git = await startGitServer({ root: join(dir, 'git'), auth: `x-access-token:${GIT_TOKEN}` });
  repoUrl = `${git.url}/acme/gitops.git`;
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

  const kubeconfig = process.env.KUBECONFIG ?? '';
  await setUpPreviewerRbac(kubeconfig, dir);
  cluster = await KubeCluster.fromKubeconfig({ kubeconfigPath: kubeconfig });
  const githubUrl = await startGithubStandIn();
  const tools = await ensureTools();

  Object.assign(process.env, {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: aws.region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    POWERTOOLS_LOG_LEVEL: 'WARN',
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
    SYNCWAVE_GITHUB_API_URL: githubUrl,
    SYNCWAVE_KUBECONFIG: kubeconfig,
    // EKS's access entry, played by impersonation: preview jobs reach the cluster as the previewer.
    SYNCWAVE_PREVIEW_IMPERSONATE: JSON.stringify({ user: PREVIEWER_USER, groups: [PREVIEWER_GROUP] }),
    SYNCWAVE_CACHE: join(dir, 'cache'),
    SYNCWAVE_TOOLS_DIR: dirname(dirname(tools.helm)),
  });
  // The handlers read their configuration at module init: import them after the variables are set.
  vi.resetModules();
  ({ handler: webhook } = await import('../../lambdas/webhook/handler.ts'));
  ({ handler: worker } = await import('../../lambdas/worker/handler.ts'));

  // The environment deployed (a push creating the branch: every app, in waves), as the deployer.
  const first = await repo.head();
  const created = ordinaryPush('develop');
  Object.assign(created, { before: '0'.repeat(40), after: first, created: true });
  Object.assign(created.repository, {
    name: 'gitops',
    full_name: 'acme/gitops',
    clone_url: repoUrl,
    html_url: 'https://github.com/acme/gitops',
    ssh_url: 'git@github.com:acme/gitops.git',
    git_url: 'git://github.com/acme/gitops.git',
  });
  const commit = { ...(created.head_commit ?? created.commits[0]), id: first, tree_id: first };
  Object.assign(commit, { added: [], removed: [], modified: ['syncwave.yaml'] });
  created.head_commit = commit;
  created.commits = [commit];
  created.size = 1;
  const r0 = await webhook(githubApiEvent({ event: 'push', payload: created, secret: WEBHOOK_SECRET }));
  if (r0.statusCode !== 202) throw new Error(`push: ${r0.statusCode} ${r0.body}`);
  const d0 = await drain();
  if (d0.failures.length) throw new Error(`first deploy failed: ${d0.failures}`);
  const previewer = new KubeCluster(
    await impersonatingKubeconfig(kubeconfig, { user: PREVIEWER_USER, groups: [PREVIEWER_GROUP] }),
  );
  await previewerPolicyInEffect(previewer, cluster, ns('frontend'));
  previewer.close();
}, 600_000);

afterAll(async () => {
  process.env = saved;
  for (const app of ['database', 'backend', 'frontend']) {
    await cluster
      ?.delete('v1', 'Namespace', ns(app), undefined, { propagationPolicy: 'Background' })
      .catch(() => {});
  }
  cluster?.close();
  sqs?.destroy();
  await git?.stop();
  await new Promise((r) => (github ? github.close(r) : r(undefined)));
  await aws?.stop();
}, 60_000);

describe('pull request previews on AWS: webhook -> SQS FIFO -> worker (as the previewer) -> check run', () => {
  it('an image bump and a removed manifest: the check run lists exactly those, with the diff; nothing is written', async () => {
    const sha = await prBranch('bump-and-drop', async () => {
      const values = join(repo.dir, 'apps/frontend/values.yaml');
      await writeFile(values, (await readFile(values, 'utf8')).replace(/tag: "[^"]*"/, 'tag: "2.1.0"'));
      await repo.git('rm', '-q', 'apps/database/configmap.yaml');
    });
    const before = {
      frontend: specOf(await deployment('frontend')),
      configMaps: (await cluster.list('v1', 'ConfigMap', { namespace: ns('database') }))
        .map((c) => `${c.metadata.name}@${c.metadata.resourceVersion}`)
        .sort(),
    };
    const answer = await webhook(pullRequest({ number: 11, branch: 'bump-and-drop', sha }));
    expect(answer.statusCode, answer.body).toBe(202);
    const { jobs } = JSON.parse(answer.body!);
    expect(jobs).toMatchObject([{ env: ENV, revision: sha, reason: 'preview' }]);
    const drained = await drain();
    expect(drained.failures).toEqual([]);
    // On the queue in the environment's preview group, never behind (or ahead of) its deploys.
    expect(drained.batches[0]!.Records[0]!.attributes.MessageGroupId).toBe(`${ENV}/preview`);

    const { created, done } = checkRunOf(sha);
    expect(created.path).toBe('/repos/acme/gitops/check-runs');
    expect(created.authorization).toBe(`token ${GIT_TOKEN}`);
    expect(created.body).toMatchObject({
      name: `syncwave/preview/${ENV}`,
      head_sha: sha,
      status: 'in_progress',
    });
    expect(done.body).toMatchObject({ status: 'completed', conclusion: 'success' });
    const { title, summary, text } = done.body.output;
    expect(title).toMatch(new RegExp(`^${ENV} at ${sha.slice(0, 7)}: `));
    const rows = (summary as string).split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.sort()).toEqual(
      [
        `| \`ConfigMap/${ns('database')}/postgres-config\` | prune |  |`,
        `| \`Deployment/${ns('frontend')}/frontend\` | update | spec.template.spec.containers[0].image |`,
      ].sort(),
    );
    expect(text).toContain('+          image: ghcr.io/example/frontend:2.1.0');
    expect(text).toContain('-          image: ghcr.io/example/frontend:2.0.0');

    // Nothing written: the Deployment's spec and every ConfigMap exactly as before.
    expect(specOf(await deployment('frontend'))).toEqual(before.frontend);
    expect(
      (await cluster.list('v1', 'ConfigMap', { namespace: ns('database') }))
        .map((c) => `${c.metadata.name}@${c.metadata.resourceVersion}`)
        .sort(),
    ).toEqual(before.configMaps);
    // And no commit status: a preview is not a deploy.
    expect(calls.filter((c) => c.path.includes(`/statuses/${sha}`))).toEqual([]);
  });

  it('runs as the previewer: an object only the deployer may write is rejected, naming the previewer', async () => {
    // A pull request that would install an admission webhook: the deployer could, the previewer's
    // RBAC never allows admission objects, not even as a dry run.
    const sha = await prBranch('admission-webhook', async () => {
      await repo.write(
        'apps/backend/base/webhook.yaml',
        [
          'apiVersion: admissionregistration.k8s.io/v1',
          'kind: ValidatingWebhookConfiguration',
          'metadata:',
          `  name: ${ID}-intercept`,
          'webhooks: []',
          '',
        ].join('\n'),
      );
      const kustomization = join(repo.dir, 'apps/backend/base/kustomization.yaml');
      const k = await readFile(kustomization, 'utf8');
      await writeFile(kustomization, k.replace(/^resources:\n/m, 'resources:\n  - webhook.yaml\n'));
    });
    const answer = await webhook(pullRequest({ number: 12, branch: 'admission-webhook', sha }));
    expect(answer.statusCode, answer.body).toBe(202);
    expect((await drain()).failures).toEqual([]);
    const { done } = checkRunOf(sha);
    expect(done.body.conclusion).toBe('failure');
    const row = (done.body.output.summary as string)
      .split('\n')
      .find((l) => l.startsWith(`| \`ValidatingWebhookConfiguration/${ID}-intercept\``));
    expect(row).toMatch(/\*\*rejected\*\*/);
    expect(row).toContain(`User "${PREVIEWER_USER}" cannot`);
    expect(
      await cluster.get(
        'admissionregistration.k8s.io/v1',
        'ValidatingWebhookConfiguration',
        `${ID}-intercept`,
      ),
    ).toBeUndefined();
  });

  it('a pull request from a fork: 204 and no job unless SYNCWAVE_PREVIEW_FORKS=true, then queued from refs/pull/N/head', async () => {
    const sha = await repo.head();
    const refused = await webhook(pullRequest({ number: 13, branch: 'main', sha, fork: true }));
    expect(refused.statusCode).toBe(204);
    expect(await receiveMessages(sqs, queueUrl)).toEqual([]);

    const allowing = await coldWebhook({ SYNCWAVE_PREVIEW_FORKS: 'true' });
    const queued = await allowing(pullRequest({ number: 13, branch: 'main', sha, fork: true }));
    expect(queued.statusCode, queued.body).toBe(202);
    expect(JSON.parse(queued.body!).jobs).toMatchObject([
      {
        env: ENV,
        revision: sha,
        reason: 'preview',
        pullRequest: { provider: 'github', number: 13, headRef: 'refs/pull/13/head', fork: true },
      },
    ]);
    // The message is on the queue; taken off here (the loopback git server has no refs/pull/*).
    const messages = await receiveMessages(sqs, queueUrl);
    expect(messages.map((m) => JSON.parse(m.Body!).pullRequest.fork)).toEqual([true]);
    for (const m of messages)
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  });
});

describe('previewer credentials on EKS (moto STS)', () => {
  const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
  const runtime = (vars: Record<string, string>) =>
    createSyncRuntime(
      syncConfigFromEnv({
        ...process.env,
        SYNCWAVE_KUBECONFIG: undefined,
        SYNCWAVE_PREVIEW_IMPERSONATE: undefined,
        SYNCWAVE_ENVIRONMENTS: JSON.stringify([{ name: 'dev', branch: 'develop', cluster: 'dev-cluster' }]),
        ...vars,
      }),
      { logger: new Logger({ logLevel: 'SILENT' }), service: 'worker' },
    );

  it("assumes the environment's previewer role for previews and its deployer role for syncs", async () => {
    const rt = runtime({
      SYNCWAVE_CLUSTER_ROLES: JSON.stringify({ dev: ROLE('deployer-dev') }),
      SYNCWAVE_PREVIEW_ROLES: JSON.stringify({ dev: ROLE('previewer-dev') }),
    });
    const whoAmI = async (creds: ReturnType<typeof rt.previewCredentials>) => {
      const sts = new STSClient({ endpoint: aws.endpoint, region: aws.region, credentials: creds });
      try {
        return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
      } finally {
        sts.destroy();
      }
    };
    expect(await whoAmI(rt.previewCredentials('dev'))).toMatch(
      /:assumed-role\/previewer-dev\/syncwave-worker-preview-dev$/,
    );
    expect(await whoAmI(rt.clusterCredentials('dev'))).toMatch(
      /:assumed-role\/deployer-dev\/syncwave-worker-dev$/,
    );
  });

  it('refuses a preview without a previewer role once cluster roles are configured (never the deployer)', () => {
    const rt = runtime({ SYNCWAVE_CLUSTER_ROLES: JSON.stringify({ dev: ROLE('deployer-dev') }) });
    expect(() => rt.previewCredentials('dev')).toThrow(/no previewer role for environment dev.*redeploy/);
    expect(rt.clusterCredentials('dev')).toBeDefined();
  });
});
