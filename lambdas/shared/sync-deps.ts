/**
 * The engine's adapters for the worker and drift functions, built from SyncConfig: DynamoDB + S3
 * state, the GitOps repository (GitHub tarballs with a token, or isomorphic-git over smart HTTP),
 * EKS clusters (or one kubeconfig for tests), helm/kubectl from the layer, GitHub commit statuses.
 *
 * Cluster credentials are per environment: with SYNCWAVE_CLUSTER_ROLES, the function assumes that
 * environment's role (STS AssumeRole) for DescribeCluster and the EKS token, so a job of one
 * environment never holds another's cluster credentials. The function's own role has no EKS access.
 * A pull request preview job gets other clusters again: the environment's previewer role
 * (SYNCWAVE_PREVIEW_ROLES: read + dry run, never write), or with a kubeconfig the identity
 * SYNCWAVE_PREVIEW_IMPERSONATE names; never the deployer's credentials.
 *
 * Nothing here calls AWS at import time. The SDK clients read AWS_REGION, credentials and
 * AWS_ENDPOINT_URL[_<SERVICE>] from the environment as SDK v3 always does.
 */
import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EKSClient } from '@aws-sdk/client-eks';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { Octokit } from '@octokit/rest';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { DynamoStateStore } from '../../adapters/aws/dynamo-state-store.ts';
import { EksAuth } from '../../adapters/aws/eks-auth.ts';
import { S3DesiredStore } from '../../adapters/aws/s3-desired-store.ts';
import { sdkSqsCaller } from '../../adapters/aws/sdk-sqs-caller.ts';
import { SqsQueue } from '../../adapters/aws/sqs-queue.ts';
import { GitSource } from '../../adapters/git/git-source.ts';
import { GithubCheckRuns } from '../../adapters/github/github-check-runs.ts';
import { GithubNotifier } from '../../adapters/github/github-notifier.ts';
import { GithubTarballSource } from '../../adapters/github/github-tarball-source.ts';
import { impersonatingKubeconfig } from '../../adapters/kube/impersonating-access.ts';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { chartCredentialsFromEnv } from '../../adapters/tools/chart-credentials.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../adapters/tools/process-tool-runner.ts';
import { renderSettingsFromEnv } from '../../adapters/tools/render-settings-from-env.ts';
import type { Cluster, EngineDeps, Environment, Log, Notifier, Source } from '../../engine/index.ts';
import { isGithubRepoName, type SyncConfig, statusRepoOf } from './sync-config.ts';

/** The value the stack puts in a Git token secret it creates: not a token. */
const TOKEN_PLACEHOLDER = 'REPLACE-WITH-A-GITHUB-TOKEN';
/** Secrets are read again after this long (seconds), so a rotated token takes effect. */
const SECRET_MAX_AGE_S = 300;

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
  /** The SDK client behind `queue` (the worker resets visibility with it). */
  sqs: SQSClient;
  state: DynamoStateStore;
  /**
   * The engine's adapters for this invocation (token and cluster credentials refreshed when due).
   * `preview`: for a pull request preview job, whose clusters are reached as the previewer.
   */
  deps(opts?: { preview?: boolean }): Promise<EngineDeps>;
  /** The AWS credentials used for an environment's cluster: its own assumed role when configured. */
  clusterCredentials(envName: string): AwsCredentialIdentityProvider | undefined;
  /** The AWS credentials of preview jobs: the environment's previewer role when configured. */
  previewCredentials(envName: string): AwsCredentialIdentityProvider | undefined;
  /** Deletes this invocation's checkouts; answers how many bytes the cache directory holds after. */
  cleanup(): Promise<{ cacheBytes: number }>;
}

/**
 * Builds the clients once per container (call at module init; no network until deps() is called).
 * `service` names the lease owner (`worker:<uuid>`), unique per container.
 */
export function createSyncRuntime(
  config: SyncConfig,
  opts: { logger: Logger; service: string },
): SyncRuntime {
  const log = engineLog(opts.logger);
  const secrets = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) });
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const queue = new SqsQueue({ client: sdkSqsCaller(sqs), queueUrl: config.queueUrl });
  const state = new DynamoStateStore({
    client: new DynamoDBClient({}),
    tableName: config.tableName,
    desired: new S3DesiredStore({ client: new S3Client({}), bucket: config.bucketName }),
  });
  const owner = `${opts.service}:${randomUUID()}`;
  const statusRepo = statusRepoOf(config);
  const credentials = clusterCredentialProvider(config, opts.service, 'cluster');
  const clusters = clusterProvider(config, credentials);
  const previewCredentials = clusterCredentialProvider(config, opts.service, 'preview');
  const previewClusters = clusterProvider(config, previewCredentials, config.previewImpersonate);
  const render = renderSettingsFromEnv();
  let runner: ProcessToolRunner | undefined;
  let built:
    | { token: string | undefined; source: Source; notifier?: Notifier; previews?: GithubCheckRuns }
    | undefined;

  async function token(): Promise<string | undefined> {
    if (!config.gitTokenSecretId) return undefined;
    const raw = await secrets.get(config.gitTokenSecretId, { maxAge: SECRET_MAX_AGE_S });
    const value = (typeof raw === 'string' ? raw : Buffer.from(raw ?? '').toString('utf8')).trim();
    if (!value) {
      throw new Error(
        `Secret ${config.gitTokenSecretId} has no value: set one with aws secretsmanager put-secret-value --secret-id ${config.gitTokenSecretId} --secret-string ...`,
      );
    }
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
    sqs,
    state,
    clusterCredentials: credentials,
    previewCredentials,
    cleanup: () => cleanCache(config.cacheDir),
    async deps(depsOpts = {}) {
      const tok = await token();
      if (!built || built.token !== tok) built = build(tok);
      const tools = await ensureTools();
      // One runner (and one egress proxy) per container; settings from the operator's environment.
      runner ??= new ProcessToolRunner({
        tools,
        homeDir: join(config.cacheDir, 'home'),
        network: render.network,
        chartCredentials: chartCredentialsFromEnv(),
      });
      return {
        source: built.source,
        clusterFor: depsOpts.preview ? previewClusters : clusters,
        state,
        tools: runner,
        renderLimits: render.limits,
        ...(config.policy ? { policy: config.policy } : {}),
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
 * Per environment, credentials from its own role (STS AssumeRole, refreshed before expiry): its
 * cluster role, or for `preview` its previewer role.
 */
function clusterCredentialProvider(
  config: SyncConfig,
  service: string,
  kind: 'cluster' | 'preview',
): (envName: string) => AwsCredentialIdentityProvider | undefined {
  const cache = new Map<string, AwsCredentialIdentityProvider>();
  const variable = kind === 'preview' ? 'SYNCWAVE_PREVIEW_ROLES' : 'SYNCWAVE_CLUSTER_ROLES';
  const roles = kind === 'preview' ? config.previewRoles : config.clusterRoles;
  return (envName) => {
    if (!roles) {
      // A stack with cluster roles but no previewer roles: a preview must not get the deployer's.
      if (kind === 'preview' && config.clusterRoles) {
        throw new Error(
          `no previewer role for environment ${envName}: SYNCWAVE_PREVIEW_ROLES is not set; redeploy the stack (previews never run as the deployer)`,
        );
      }
      return undefined;
    }
    const roleArn = roles[envName];
    if (!roleArn) {
      // Never fall back to the function's own identity when roles are configured.
      throw new Error(`no ${kind} role for environment ${envName} in ${variable}: redeploy the stack`);
    }
    let provider = cache.get(envName);
    if (!provider) {
      provider = reuseUntilNearExpiry(
        fromTemporaryCredentials({
          params: {
            RoleArn: roleArn,
            RoleSessionName: `syncwave-${service}${kind === 'preview' ? '-preview' : ''}-${envName}`.slice(
              0,
              64,
            ),
            DurationSeconds: 3600,
          },
          ...(config.region ? { clientConfig: { region: config.region } } : {}),
        }),
      );
      cache.set(envName, provider);
    }
    return provider;
  };
}

/** One AssumeRole per session: the credentials are reused until 5 minutes before they expire. */
function reuseUntilNearExpiry(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const hit = current && (await current.catch(() => undefined));
    if (hit && (!hit.expiration || hit.expiration.getTime() - Date.now() > 5 * 60_000)) return hit;
    current = provider();
    return current;
  };
}

/**
 * Cluster per environment: the EKS cluster and region SYNCWAVE_ENVIRONMENTS names for it, reached
 * with that environment's credentials and a token re-minted by age before each request (one
 * KubeCluster per environment serves a job of any length); or the SYNCWAVE_KUBECONFIG cluster for all.
 */
function clusterProvider(
  config: SyncConfig,
  credentialsFor: (envName: string) => AwsCredentialIdentityProvider | undefined,
  impersonate?: SyncConfig['previewImpersonate'],
): (env: Environment) => Promise<Cluster> {
  if (config.kubeconfigPath) {
    const path = config.kubeconfigPath;
    let cluster: Promise<KubeCluster> | undefined;
    return () => {
      cluster ??= (
        impersonate
          ? impersonatingKubeconfig(path, impersonate).then((access) => new KubeCluster(access))
          : KubeCluster.fromKubeconfig({ kubeconfigPath: path })
      ).catch((err: unknown) => {
        cluster = undefined;
        throw err;
      });
      return cluster;
    };
  }
  const clusters = new Map<string, Promise<KubeCluster>>();
  return (env) => {
    let found = clusters.get(env.name);
    if (!found) {
      found = eksCluster(config, env, credentialsFor(env.name));
      found.catch(() => clusters.delete(env.name));
      clusters.set(env.name, found);
    }
    return found;
  };
}

async function eksCluster(
  config: SyncConfig,
  env: Environment,
  credentials: AwsCredentialIdentityProvider | undefined,
): Promise<KubeCluster> {
  const deployed = config.environments.find((e) => e.name === env.name);
  const name = deployed?.cluster ?? env.cluster;
  const region = deployed?.region ?? config.region;
  if (!region) throw new Error(`no region for the cluster of environment ${env.name}: set AWS_REGION`);
  const client = new EKSClient({ region, ...(credentials ? { credentials } : {}) });
  const auth = new EksAuth({ client, region, ...(credentials ? { credentials } : {}) });
  return new KubeCluster(await auth.clusterAccess(name));
}

/** Removes `<cacheDir>/checkouts` (each revision's files; the next job fetches what it needs). */
async function cleanCache(cacheDir: string): Promise<{ cacheBytes: number }> {
  await rm(join(cacheDir, 'checkouts'), { recursive: true, force: true });
  return { cacheBytes: await bytesUnder(cacheDir) };
}

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) total += await bytesUnder(path);
    else if (e.isFile()) total += (await stat(path)).size;
  }
  return total;
}
