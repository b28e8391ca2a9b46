/**
 * Configuration of the worker and drift functions, from the variables the CDK stack sets
 * (infra/syncwave-stack.ts): read once at cold start, with clear errors naming what to set.
 */
import { type PolicySet, parseDestinationPolicy } from '../../engine/index.ts';

/** One environment as the stack describes it: the cluster is an EKS cluster name in `region`. */
export interface DeployedEnvironment {
  name: string;
  branch: string;
  cluster: string;
  region?: string;
  namespacePrefix?: string;
}

export interface SyncConfig {
  environments: DeployedEnvironment[];
  queueUrl: string;
  tableName: string;
  bucketName: string;
  /** `owner/name` on GitHub (tarball source, compare API), or any smart-HTTP git URL. */
  repo: string;
  /** Secrets Manager id of the Git token (GitHub token for tarballs, commit statuses, smart HTTP). */
  gitTokenSecretId?: string;
  /** GitHub's API; https://api.github.com unless told (GHES, or a test stand-in). */
  githubApiUrl?: string;
  historyLimit: number;
  /** A kubeconfig used for every environment instead of EKS (tests, or a non-EKS cluster). */
  kubeconfigPath?: string;
  /** Writable directory for checkouts, helm caches and HOME: /tmp/syncwave in Lambda. */
  cacheDir: string;
  /** The function's region (for EKS when an environment names none). */
  region?: string;
  /**
   * Per environment, the IAM role this function assumes for that environment's cluster (and only
   * for it): SYNCWAVE_CLUSTER_ROLES. Absent: the function's own identity (a kubeconfig, or a stack
   * from before per-environment roles).
   */
  clusterRoles?: Record<string, string>;
  /**
   * Per environment, the IAM role the worker assumes for pull request preview jobs
   * (SYNCWAVE_PREVIEW_ROLES): the previewer, read + dry run only. Needed once cluster roles are
   * configured: a preview never runs with the deployer's credentials.
   */
  previewRoles?: Record<string, string>;
  /**
   * With a kubeconfig (no EKS): the identity preview jobs impersonate through it
   * (SYNCWAVE_PREVIEW_IMPERSONATE, `{ "user": ..., "groups": [...] }`), so the previewer's RBAC and
   * admission policy apply to them as to a previewer role on EKS.
   */
  previewImpersonate?: { user: string; groups: string[] };
  /** SNS topic for a message per failed sync (SYNCWAVE_ALARM_TOPIC_ARN). */
  alarmTopicArn?: string;
  /** Drift: an app OutOfSync or Degraded this long gets a message on the topic (SYNCWAVE_APP_STUCK_MINUTES). */
  appStuckMinutes?: number;
  /** The operator's destination policy (SYNCWAVE_POLICY: the policy file's YAML or JSON); all allowed when absent. */
  policy?: PolicySet;
}

/** SYNCWAVE_POLICY parsed at cold start: a bad policy stops the function, never allows everything. */
function policyFrom(text: string): PolicySet {
  const parsed = parseDestinationPolicy(text, 'SYNCWAVE_POLICY');
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.policy;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

function clusterRolesFrom(
  variable: string,
  text: string | undefined,
  envNames: string[],
): Record<string, string> | undefined {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${variable} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${variable} must be a JSON object { "<environment>": "<role ARN>" }`);
  }
  const roles = parsed as Record<string, unknown>;
  for (const name of envNames) {
    const arn = roles[name];
    if (typeof arn !== 'string' || !ROLE_ARN.test(arn)) {
      throw new Error(
        `${variable}.${name} must be an IAM role ARN (every environment needs its own role), got ${JSON.stringify(arn)}`,
      );
    }
  }
  return roles as Record<string, string>;
}

function impersonateFrom(text: string): { user: string; groups: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`SYNCWAVE_PREVIEW_IMPERSONATE is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const p = parsed as { user?: unknown; groups?: unknown } | null;
  if (
    !p ||
    typeof p.user !== 'string' ||
    p.user === '' ||
    !Array.isArray(p.groups) ||
    p.groups.length === 0 ||
    !p.groups.every((g) => typeof g === 'string' && g !== '')
  ) {
    throw new Error(
      'SYNCWAVE_PREVIEW_IMPERSONATE must be { "user": "<name>", "groups": ["syncwave:previewer", ...] }',
    );
  }
  return { user: p.user, groups: p.groups as string[] };
}

const OWNER_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** True when `repo` is `owner/name` (a GitHub repository), not a URL. */
export const isGithubRepoName = (repo: string) => OWNER_NAME.test(repo);

/** Reads the sync functions' configuration; throws at cold start with what to set. */
export function syncConfigFromEnv(env: Record<string, string | undefined>): SyncConfig {
  const need = (name: string) => {
    const v = env[name];
    if (!v)
      throw new Error(`${name} is not set: the syncwave stack sets it; redeploy or set it on the function.`);
    return v;
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(need('SYNCWAVE_ENVIRONMENTS'));
  } catch (err) {
    if ((err as Error).message.includes('is not set')) throw err;
    throw new Error(`SYNCWAVE_ENVIRONMENTS is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const str = (v: unknown) => typeof v === 'string' && v !== '';
  if (
    !Array.isArray(parsed) ||
    parsed.length === 0 ||
    !parsed.every((e) => str(e?.name) && str(e?.branch) && str(e?.cluster))
  ) {
    throw new Error(
      'SYNCWAVE_ENVIRONMENTS must be a non-empty JSON list of { "name", "branch", "cluster", "region"? }',
    );
  }
  const environments: DeployedEnvironment[] = parsed.map((e: Record<string, unknown>) => ({
    name: e.name as string,
    branch: e.branch as string,
    cluster: e.cluster as string,
    ...(str(e.region) ? { region: e.region as string } : {}),
    ...(str(e.namespacePrefix) ? { namespacePrefix: e.namespacePrefix as string } : {}),
  }));
  const appStuckMinutes = env.SYNCWAVE_APP_STUCK_MINUTES ? Number(env.SYNCWAVE_APP_STUCK_MINUTES) : undefined;
  if (appStuckMinutes !== undefined && !(Number.isInteger(appStuckMinutes) && appStuckMinutes > 0)) {
    throw new Error(
      `SYNCWAVE_APP_STUCK_MINUTES must be a positive integer, got ${env.SYNCWAVE_APP_STUCK_MINUTES}`,
    );
  }
  const historyLimit = env.SYNCWAVE_HISTORY_LIMIT ? Number(env.SYNCWAVE_HISTORY_LIMIT) : 10;
  if (!(Number.isInteger(historyLimit) && historyLimit > 0)) {
    throw new Error(`SYNCWAVE_HISTORY_LIMIT must be a positive integer, got ${env.SYNCWAVE_HISTORY_LIMIT}`);
  }
  const repo = need('SYNCWAVE_REPO');
  if (!isGithubRepoName(repo) && !/^https?:\/\//i.test(repo)) {
    throw new Error(`SYNCWAVE_REPO must be owner/name (GitHub) or an http(s) git URL, got ${repo}`);
  }
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const envNames = environments.map((e) => e.name);
  const clusterRoles = clusterRolesFrom('SYNCWAVE_CLUSTER_ROLES', env.SYNCWAVE_CLUSTER_ROLES, envNames);
  const previewRoles = clusterRolesFrom('SYNCWAVE_PREVIEW_ROLES', env.SYNCWAVE_PREVIEW_ROLES, envNames);
  const previewImpersonate = env.SYNCWAVE_PREVIEW_IMPERSONATE
    ? impersonateFrom(env.SYNCWAVE_PREVIEW_IMPERSONATE)
    : undefined;
  if (previewImpersonate && !env.SYNCWAVE_KUBECONFIG) {
    throw new Error(
      'SYNCWAVE_PREVIEW_IMPERSONATE needs SYNCWAVE_KUBECONFIG (on EKS preview jobs assume SYNCWAVE_PREVIEW_ROLES)',
    );
  }
  return {
    environments,
    queueUrl: need('SYNCWAVE_QUEUE_URL'),
    tableName: need('SYNCWAVE_TABLE_NAME'),
    bucketName: need('SYNCWAVE_BUCKET_NAME'),
    repo,
    historyLimit,
    cacheDir: env.SYNCWAVE_CACHE || '/tmp/syncwave',
    ...(env.SYNCWAVE_GIT_TOKEN_SECRET_ID ? { gitTokenSecretId: env.SYNCWAVE_GIT_TOKEN_SECRET_ID } : {}),
    ...(env.SYNCWAVE_GITHUB_API_URL ? { githubApiUrl: env.SYNCWAVE_GITHUB_API_URL } : {}),
    ...(env.SYNCWAVE_KUBECONFIG ? { kubeconfigPath: env.SYNCWAVE_KUBECONFIG } : {}),
    ...(region ? { region } : {}),
    ...(clusterRoles ? { clusterRoles } : {}),
    ...(previewRoles ? { previewRoles } : {}),
    ...(previewImpersonate ? { previewImpersonate } : {}),
    ...(env.SYNCWAVE_ALARM_TOPIC_ARN ? { alarmTopicArn: env.SYNCWAVE_ALARM_TOPIC_ARN } : {}),
    ...(appStuckMinutes ? { appStuckMinutes } : {}),
    ...(env.SYNCWAVE_POLICY ? { policy: policyFrom(env.SYNCWAVE_POLICY) } : {}),
  };
}

/**
 * The `owner/name` commit statuses go to: SYNCWAVE_REPO itself, or the path of a git URL on
 * github.com (or on the host of a configured GitHub API, e.g. GHES or a test stand-in).
 * Undefined for other hosts: their commits get no GitHub status.
 */
export function statusRepoOf(config: Pick<SyncConfig, 'repo' | 'githubApiUrl'>): string | undefined {
  if (isGithubRepoName(config.repo)) return config.repo;
  const url = new URL(config.repo);
  const onGithub = url.hostname === 'github.com' || url.hostname === 'www.github.com';
  if (!onGithub && !config.githubApiUrl) return undefined;
  const parts = url.pathname
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (parts.length < 2) return undefined;
  return `${parts.at(-2)}/${parts.at(-1)}`;
}
