import type { Environment } from '../../engine/index.ts';

export interface WebhookConfig {
  environments: Array<Pick<Environment, 'name' | 'branch'>>;
  queueUrl: string;
  secretId: string;
  /** The repository whose pushes are accepted (owner/name or URL); pushes to others are ignored. */
  repo: string;
  maxBodyBytes?: number;
  /** Preview pull requests from forks (SYNCWAVE_PREVIEW_FORKS=true): untrusted content, off unless told. */
  previewForks: boolean;
}

/**
 * Reads the webhook function's configuration; throws at cold start with what to set.
 * SYNCWAVE_REPO is required: without it any repository's pushes (signed with the same secret,
 * e.g. an organisation webhook) would be taken for the GitOps repository's.
 */
export function webhookConfigFromEnv(env: Record<string, string | undefined>): WebhookConfig {
  const need = (name: string) => {
    const v = env[name];
    if (!v)
      throw new Error(`${name} is not set: the syncwave stack sets it; redeploy or set it on the function.`);
    return v;
  };
  let environments: unknown;
  try {
    environments = JSON.parse(need('SYNCWAVE_ENVIRONMENTS'));
  } catch (err) {
    throw new Error(`SYNCWAVE_ENVIRONMENTS is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (
    !Array.isArray(environments) ||
    !environments.every((e) => typeof e?.name === 'string' && typeof e?.branch === 'string')
  ) {
    throw new Error('SYNCWAVE_ENVIRONMENTS must be a JSON list of { "name": ..., "branch": ... }');
  }
  const max = env.SYNCWAVE_MAX_BODY_BYTES ? Number(env.SYNCWAVE_MAX_BODY_BYTES) : undefined;
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
    throw new Error(`SYNCWAVE_MAX_BODY_BYTES must be a positive integer, got ${env.SYNCWAVE_MAX_BODY_BYTES}`);
  }
  const forks = env.SYNCWAVE_PREVIEW_FORKS;
  if (forks !== undefined && forks !== '' && forks !== 'true' && forks !== 'false') {
    throw new Error(`SYNCWAVE_PREVIEW_FORKS must be true or false, got ${forks}`);
  }
  return {
    environments: environments.map((e: { name: string; branch: string }) => ({
      name: e.name,
      branch: e.branch,
    })),
    queueUrl: need('SYNCWAVE_QUEUE_URL'),
    secretId: need('SYNCWAVE_WEBHOOK_SECRET_ID'),
    repo: need('SYNCWAVE_REPO'),
    previewForks: forks === 'true',
    ...(max !== undefined ? { maxBodyBytes: max } : {}),
  };
}
