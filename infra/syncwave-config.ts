/**
 * The deployment configuration of the syncwave stack: from cdk.json context (`syncwave`) or a
 * `syncwave.config.json` file, validated at synth time with errors that name the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { destinationPolicySchema } from '../engine/index.ts';

const NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;
/** CloudWatch Logs accepts only these retention periods (days). */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const secretArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
    'must be a full Secrets Manager secret ARN',
  );

export const environmentConfigSchema = z.strictObject({
  name: z.string().regex(NAME, 'must be lower-case letters, digits and dashes (at most 32), e.g. "dev"'),
  branch: z.string().min(1, 'must name the Git branch this environment deploys, e.g. "main"'),
  clusterName: z.string().regex(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/, 'must be an EKS cluster name'),
  /** The cluster's region; the stack's region when absent (access entries are created in the stack's region). */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1')
    .optional(),
  /** Optional namespace prefix so two environments can share one cluster. */
  namespacePrefix: z.string().optional(),
  /**
   * Where this environment's apps may write (the fields of serve's --policy file: namespace globs,
   * cluster-scoped group/Kind globs); anywhere when absent. The worker checks every object of a
   * job against it before writing anything; syncwave.yaml can only narrow it.
   */
  policy: destinationPolicySchema.optional(),
});

export const syncwaveConfigSchema = z
  .strictObject({
    /** The GitOps repository: `owner/name` on GitHub (tarball + commit status), or any smart-HTTP git URL. */
    repo: z.string().min(1, 'must name the GitOps repository, e.g. "acme/gitops"'),
    /** GitHub API URL (GitHub Enterprise Server); api.github.com when absent. */
    githubApiUrl: z.url().optional(),
    environments: z.array(environmentConfigSchema).min(1, 'must list at least one environment'),
    /** EventBridge Scheduler expression for the drift checker. */
    driftSchedule: z
      .string()
      .regex(/^(rate|cron)\(.+\)$/, 'must be a schedule expression such as "rate(3 minutes)"')
      .default('rate(3 minutes)'),
    /** Give the worker AmazonEKSClusterAdminPolicy instead of the least-access setup (see eks-access.ts). */
    clusterAdmin: z.boolean().default(false),
    /** Put the worker and drift functions in a VPC (clusters with a private endpoint). */
    vpc: z
      .strictObject({
        vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, 'must be a VPC id such as vpc-0abc…'),
        subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id')).min(1),
        securityGroupIds: z
          .array(z.string().regex(/^sg-[0-9a-f]+$/, 'must be a security group id'))
          .optional(),
        /** The clusters' security groups: the functions' group is allowed into each on 443. */
        clusterSecurityGroupIds: z
          .array(z.string().regex(/^sg-[0-9a-f]+$/, 'must be a security group id'))
          .optional(),
      })
      .optional(),
    /** An email address subscribed to the alarm topic (confirm the subscription mail AWS sends). */
    alarmEmail: z.email('must be an email address').optional(),
    /** An app OutOfSync or Degraded for this long raises an alarm. */
    appStuckMinutes: z.number().int().min(5).max(1440).default(30),
    /** /tmp of the worker and drift functions (checkouts, helm caches), MiB; see infra/README.md. */
    ephemeralStorageMiB: z.number().int().min(512).max(10240).default(1024),
    /** Use existing secrets instead of creating them. */
    webhookSecretArn: secretArn.optional(),
    gitTokenSecretArn: secretArn.optional(),
    historyLimit: z.number().int().min(1).max(1000).default(10),
    logRetentionDays: z
      .number()
      .refine(
        (d) => (RETENTION_DAYS as readonly number[]).includes(d),
        `must be one of ${RETENTION_DAYS.join(', ')}`,
      )
      .default(30),
    /**
     * Preview pull requests from forks too. Off by default: a fork's head is anyone's code, which a
     * preview renders with syncwave's tools, and its check run shows diffs of live objects.
     */
    previewForks: z.boolean().default(false),
    /** Worker timeout; a sync that needs longer continues in a follow-up message. */
    workerTimeoutSeconds: z.number().int().min(30).max(900).default(300),
  })
  .superRefine((cfg, ctx) => {
    const policy = policyDocument(cfg);
    if (policy && Buffer.byteLength(policy) > POLICY_ENV_LIMIT) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments'],
        message: `the policies take ${Buffer.byteLength(policy)} bytes as SYNCWAVE_POLICY, more than ${POLICY_ENV_LIMIT} of Lambda's 4 KB of environment variables: use broader globs`,
      });
    }
    const seen = new Set<string>();
    cfg.environments.forEach((env, i) => {
      if (seen.has(env.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['environments', i, 'name'],
          message: `"${env.name}" is used twice`,
        });
      }
      seen.add(env.name);
    });
  });

export type SyncwaveConfig = z.output<typeof syncwaveConfigSchema>;

/** Lambda allows 4 KB of environment variables in all; the policy may take at most this much of it. */
export const POLICY_ENV_LIMIT = 2048;

/**
 * The destination policy the worker reads from SYNCWAVE_POLICY, in the format of serve's --policy
 * file: every environment that names a `policy` gets it, the others may write anywhere (a policy
 * file would give an unlisted environment nothing: they are listed with `*`). Undefined when no
 * environment names one (everything allowed, as serve without --policy).
 */
export function policyDocument(config: SyncwaveConfig): string | undefined {
  if (!config.environments.some((e) => e.policy)) return undefined;
  const anywhere = { namespaces: ['*'], clusterResources: [{ group: '*', kind: '*' }] };
  return JSON.stringify({
    environments: Object.fromEntries(config.environments.map((e) => [e.name, e.policy ?? anywhere])),
  });
}
export type SyncwaveConfigInput = z.input<typeof syncwaveConfigSchema>;

export class SyncwaveConfigError extends Error {
  override name = 'SyncwaveConfigError';
}

/** Validates raw configuration; the error lists every problem as `<source>: <path>: <message>`. */
export function parseSyncwaveConfig(raw: unknown, source: string): SyncwaveConfig {
  const result = syncwaveConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    return `  ${source}: ${path || '(root)'}: ${issue.message}`;
  });
  return fail(`Invalid syncwave configuration:\n${lines.join('\n')}`);
}

function fail(message: string): never {
  throw new SyncwaveConfigError(message);
}

export interface LoadSyncwaveConfigOptions {
  /** `app.node.tryGetContext`. */
  context: (key: string) => unknown;
  /** Where `syncwave.config.json` is looked for. */
  cwd?: string;
}

/**
 * Context `syncwave` (an object, or JSON text from `-c syncwave=...`) wins; else the file named by
 * context `syncwaveConfigFile`, else `syncwave.config.json`.
 */
export function loadSyncwaveConfig(options: LoadSyncwaveConfigOptions): SyncwaveConfig {
  const inline = options.context('syncwave');
  if (inline !== undefined) {
    let raw = inline;
    if (typeof inline === 'string') {
      try {
        raw = JSON.parse(inline);
      } catch (err) {
        fail(`cdk context "syncwave" is not JSON: ${(err as Error).message}`);
      }
    }
    return parseSyncwaveConfig(raw, 'cdk context "syncwave"');
  }
  const file = resolve(
    options.cwd ?? process.cwd(),
    String(options.context('syncwaveConfigFile') ?? 'syncwave.config.json'),
  );
  if (!existsSync(file)) {
    fail(
      `No syncwave configuration: create ${file} (see infra/syncwave.config.example.json) or pass -c syncwave='{"repo":…,"environments":[…]}'.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`${file} is not JSON: ${(err as Error).message}`);
  }
  return parseSyncwaveConfig(raw, file);
}
