/**
 * The engine's adapters for the worker and drift functions, built from SyncConfig: DynamoDB + S3
 * state, the GitOps repository (GitHub tarballs with a token, or isomorphic-git over smart HTTP),
 * EKS clusters (or one kubeconfig for tests), helm/kubectl from the layer, GitHub commit statuses.
 *
 * Nothing here calls AWS at import time. The SDK clients read AWS_REGION, credentials and
 * AWS_ENDPOINT_URL[_<SERVICE>] from the environment as SDK v3 always does; the SDK-free
 * AwsJsonClient (SQS, Secrets Manager) reads the same variables.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EKSClient } from '@aws-sdk/client-eks';
import { S3Client } from '@aws-sdk/client-s3';
import { Octokit } from '@octokit/rest';
import { AwsJsonClient } from '../../adapters/aws/aws-json-client.ts';
import { DynamoStateStore } from '../../adapters/aws/dynamo-state-store.ts';
import { EksAuth } from '../../adapters/aws/eks-auth.ts';
import { S3DesiredStore } from '../../adapters/aws/s3-desired-store.ts';
import { Secrets } from '../../adapters/aws/secrets.ts';
import { SqsQueue } from '../../adapters/aws/sqs-queue.ts';
import { GitSource } from '../../adapters/git/git-source.ts';
import { GithubCheckRuns } from '../../adapters/github/github-check-runs.ts';
import { GithubNotifier } from '../../adapters/github/github-notifier.ts';
import { GithubTarballSource } from '../../adapters/github/github-tarball-source.ts';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../adapters/tools/process-tool-runner.ts';
import type { Cluster, EngineDeps, Environment, Log, Notifier, Source } from '../../engine/index.ts';
import { isGithubRepoName, type SyncConfig, statusRepoOf } from './sync-config.ts';

/** The value the stack puts in a Git token secret it creates: not a token. */
const TOKEN_PLACEHOLDER = 'REPLACE-WITH-A-GITHUB-TOKEN';

/** Powertools reserves `message` (the log line's own): the engine's `message` field becomes `detail`. */
function logFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!fields || !('message' in fields)) return fields ?? {};
  const { message, ...rest } = fields;
  return { ...rest, detail: message };
}

/** The engine's Log on a Powertools Logger: the same keys land in CloudWatch as JSON. */
export function engineLog(logger: Logger): Log {
  return {
    debug: (message, fields) => logger.debug(message, logFields(fields)),
    info: (message, fields) => logger.info(message, logFields(fields)),
    warn: (message, fields) => logger.warn(message, logFields(fields)),
    error: (message, fields) => logger.error(message, logFields(fields)),
  };
}

export interface SyncRuntime {
  config: SyncConfig;
  queue: SqsQueue;
  state: DynamoStateStore;
  /** The engine's adapters for this invocation (token and cluster credentials refreshed when due). */
  deps(): Promise<EngineDeps>;
}

/**
 * Builds the clients once per container (call at module init; no network until deps() is called).
 * `service` names the lease owner (`worker:<uuid>`), unique per container.
 */
export function createSyncRuntime(
  config: SyncConfig,
  opts: { logger: Logger; service: string; env?: Record<string, string | undefined> },
): SyncRuntime {
  const env = opts.env ?? process.env;
  const log = engineLog(opts.logger);
  const secrets = new Secrets({ client: AwsJsonClient.fromEnv('secretsmanager', env) });
  const queue = new SqsQueue({ client: AwsJsonClient.fromEnv('sqs', env), queueUrl: config.queueUrl });
  const state = new DynamoStateStore({
    client: new DynamoDBClient({}),
    tableName: config.tableName,
    desired: new S3DesiredStore({ client: new S3Client({}), bucket: config.bucketName }),
  });
  const owner = `${opts.service}:${randomUUID()}`;
  const statusRepo = statusRepoOf(config);
  const clusters = clusterProvider(config);
  let built:
    | { token: string | undefined; source: Source; notifier?: Notifier; previews?: GithubCheckRuns }
    | undefined;

  async function token(): Promise<string | undefined> {
    if (!config.gitTokenSecretId) return undefined;
    const value = (await secrets.get(config.gitTokenSecretId)).trim();
    if (value === TOKEN_PLACEHOLDER) {
      log.warn('the Git token secret still holds the placeholder: no token is used', {
        secretId: config.gitTokenSecretId,
      });
      return undefined;
    }
    return value;
  }

  function build(tok: string | undefined): NonNullable<typeof built> {
    const octokit = () =>
      new Octokit({
        auth: tok,
        userAgent: 'syncwave',
        ...(config.githubApiUrl ? { baseUrl: config.githubApiUrl.replace(/\/$/, '') } : {}),
      });
    const source: Source = isGithubRepoName(config.repo)
      ? new GithubTarballSource({
          octokit: octokit(),
          repo: config.repo,
          cacheDir: join(config.cacheDir, 'checkouts'),
        })
      : new GitSource({
          url: config.repo,
          cacheDir: config.cacheDir,
          ...(tok ? { credentials: { username: 'x-access-token', token: tok } } : {}),
        });
    const notifier = tok && statusRepo ? new GithubNotifier({ octokit: octokit() }) : undefined;
    // Pull request previews as check runs: the token needs `checks: write`.
    const previews = tok ? new GithubCheckRuns({ octokit: octokit() }) : undefined;
    return { token: tok, source, ...(notifier ? { notifier } : {}), ...(previews ? { previews } : {}) };
  }

  return {
    config,
    queue,
    state,
    async deps() {
      const tok = await token();
      if (!built || built.token !== tok) built = build(tok);
      const tools = await ensureTools();
      return {
        source: built.source,
        clusterFor: clusters,
        state,
        tools: new ProcessToolRunner({ tools, homeDir: join(config.cacheDir, 'home') }),
        ...(built.notifier ? { notifier: built.notifier } : {}),
        ...(built.previews ? { previews: built.previews } : {}),
        clock: { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
        log,
        cacheDir: config.cacheDir,
        owner,
        ...(statusRepo ? { repo: statusRepo } : {}),
      };
    },
  };
}

/**
 * Cluster per environment: the EKS cluster and region SYNCWAVE_ENVIRONMENTS names for it (a fresh
 * token each call, reused below its lifetime), or the SYNCWAVE_KUBECONFIG cluster for all.
 */
function clusterProvider(config: SyncConfig): (env: Environment) => Promise<Cluster> {
  if (config.kubeconfigPath) {
    const path = config.kubeconfigPath;
    let cluster: Promise<KubeCluster> | undefined;
    return () => {
      cluster ??= KubeCluster.fromKubeconfig({ kubeconfigPath: path }).catch((err: unknown) => {
        cluster = undefined;
        throw err;
      });
      return cluster;
    };
  }
  const auths = new Map<string, EksAuth>();
  const clusters = new Map<string, { token: string; cluster: KubeCluster }>();
  return async (env) => {
    const deployed = config.environments.find((e) => e.name === env.name);
    const name = deployed?.cluster ?? env.cluster;
    const region = deployed?.region ?? config.region;
    if (!region) throw new Error(`no region for the cluster of environment ${env.name}: set AWS_REGION`);
    let auth = auths.get(region);
    if (!auth) {
      auth = new EksAuth({ client: new EKSClient({ region }), region });
      auths.set(region, auth);
    }
    const token = await auth.token(name);
    const key = `${region}/${name}`;
    const hit = clusters.get(key);
    if (hit?.token === token) return hit.cluster;
    const cluster = new KubeCluster(await auth.clusterAccess(name));
    clusters.set(key, { token, cluster });
    return cluster;
  };
}
