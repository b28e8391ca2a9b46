import { describe, expect, it } from 'vitest';
import { statusRepoOf, syncConfigFromEnv } from '../../../lambdas/shared/sync-config.ts';

const base = {
  SYNCWAVE_ENVIRONMENTS: JSON.stringify([
    { name: 'dev', branch: 'develop', cluster: 'dev-eks', region: 'eu-west-1' },
    { name: 'prod', branch: 'main', cluster: 'prod-eks', region: 'eu-west-1', namespacePrefix: 'p-' },
  ]),
  SYNCWAVE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs.fifo',
  SYNCWAVE_TABLE_NAME: 'state',
  SYNCWAVE_BUCKET_NAME: 'desired',
  SYNCWAVE_REPO: 'acme/gitops',
  SYNCWAVE_GIT_TOKEN_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:git',
  SYNCWAVE_HISTORY_LIMIT: '10',
  AWS_REGION: 'eu-west-1',
};

describe('syncConfigFromEnv', () => {
  it('reads what the stack sets', () => {
    expect(syncConfigFromEnv(base)).toEqual({
      environments: [
        { name: 'dev', branch: 'develop', cluster: 'dev-eks', region: 'eu-west-1' },
        { name: 'prod', branch: 'main', cluster: 'prod-eks', region: 'eu-west-1', namespacePrefix: 'p-' },
      ],
      queueUrl: base.SYNCWAVE_QUEUE_URL,
      tableName: 'state',
      bucketName: 'desired',
      repo: 'acme/gitops',
      gitTokenSecretId: base.SYNCWAVE_GIT_TOKEN_SECRET_ID,
      historyLimit: 10,
      cacheDir: '/tmp/syncwave',
      region: 'eu-west-1',
    });
  });

  it('reads the destination policy from SYNCWAVE_POLICY (YAML or JSON), and refuses a bad one', () => {
    const policy = JSON.stringify({
      environments: { dev: { namespaces: ['dev-*'], clusterResources: ['/Namespace'] } },
    });
    expect(syncConfigFromEnv({ ...base, SYNCWAVE_POLICY: policy }).policy).toEqual({
      source: 'SYNCWAVE_POLICY',
      environments: { dev: { namespaces: ['dev-*'], clusterResources: [{ group: '', kind: 'Namespace' }] } },
    });
    expect(() =>
      syncConfigFromEnv({ ...base, SYNCWAVE_POLICY: 'environments: { dev: { names: [] } }' }),
    ).toThrow(/^SYNCWAVE_POLICY: environments\.dev: /);
  });

  it('reads the stuck-app time for drift notices, and refuses a bad one', () => {
    expect(syncConfigFromEnv({ ...base, SYNCWAVE_APP_STUCK_MINUTES: '30' }).appStuckMinutes).toBe(30);
    expect(syncConfigFromEnv(base).appStuckMinutes).toBeUndefined();
    expect(() => syncConfigFromEnv({ ...base, SYNCWAVE_APP_STUCK_MINUTES: 'soon' })).toThrow(
      /SYNCWAVE_APP_STUCK_MINUTES must be a positive integer/,
    );
  });

  it('says which variable is missing or wrong', () => {
    expect(() => syncConfigFromEnv({ ...base, SYNCWAVE_TABLE_NAME: undefined })).toThrow(
      /SYNCWAVE_TABLE_NAME is not set/,
    );
    expect(() => syncConfigFromEnv({ ...base, SYNCWAVE_ENVIRONMENTS: '[{"name":"dev"}]' })).toThrow(
      /SYNCWAVE_ENVIRONMENTS must be/,
    );
    expect(() => syncConfigFromEnv({ ...base, SYNCWAVE_ENVIRONMENTS: 'nope' })).toThrow(/is not JSON/);
    expect(() => syncConfigFromEnv({ ...base, SYNCWAVE_HISTORY_LIMIT: '0' })).toThrow(/HISTORY_LIMIT/);
    expect(() => syncConfigFromEnv({ ...base, SYNCWAVE_REPO: 'git@github.com:acme/gitops' })).toThrow(
      /owner\/name .* or an http\(s\) git URL/,
    );
  });

  it('takes SYNCWAVE_KUBECONFIG, SYNCWAVE_CACHE and SYNCWAVE_GITHUB_API_URL for tests and GHES', () => {
    expect(
      syncConfigFromEnv({
        ...base,
        SYNCWAVE_KUBECONFIG: '/tmp/kc',
        SYNCWAVE_CACHE: '/tmp/c',
        SYNCWAVE_GITHUB_API_URL: 'https://ghe.example.com/api/v3',
      }),
    ).toMatchObject({
      kubeconfigPath: '/tmp/kc',
      cacheDir: '/tmp/c',
      githubApiUrl: 'https://ghe.example.com/api/v3',
    });
  });

  it('reads the previewer roles (SYNCWAVE_PREVIEW_ROLES) and the kubeconfig impersonation for previews', () => {
    const roles = {
      dev: 'arn:aws:iam::123456789012:role/previewer-dev',
      prod: 'arn:aws:iam::123456789012:role/previewer-prod',
    };
    expect(
      syncConfigFromEnv({ ...base, SYNCWAVE_PREVIEW_ROLES: JSON.stringify(roles) }).previewRoles,
    ).toEqual(roles);
    expect(() =>
      syncConfigFromEnv({ ...base, SYNCWAVE_PREVIEW_ROLES: JSON.stringify({ dev: roles.dev }) }),
    ).toThrow(/SYNCWAVE_PREVIEW_ROLES\.prod must be an IAM role ARN/);
    const who = { user: 'previewer', groups: ['syncwave:previewer'] };
    expect(
      syncConfigFromEnv({
        ...base,
        SYNCWAVE_KUBECONFIG: '/tmp/kc',
        SYNCWAVE_PREVIEW_IMPERSONATE: JSON.stringify(who),
      }).previewImpersonate,
    ).toEqual(who);
    expect(() => syncConfigFromEnv({ ...base, SYNCWAVE_PREVIEW_IMPERSONATE: JSON.stringify(who) })).toThrow(
      /needs SYNCWAVE_KUBECONFIG/,
    );
    expect(() =>
      syncConfigFromEnv({
        ...base,
        SYNCWAVE_KUBECONFIG: '/tmp/kc',
        SYNCWAVE_PREVIEW_IMPERSONATE: JSON.stringify({ user: 'previewer', groups: [] }),
      }),
    ).toThrow(/SYNCWAVE_PREVIEW_IMPERSONATE must be/);
  });
});

describe('statusRepoOf', () => {
  it('is owner/name for GitHub repositories, by name or URL', () => {
    expect(statusRepoOf({ repo: 'acme/gitops' })).toBe('acme/gitops');
    expect(statusRepoOf({ repo: 'https://github.com/acme/gitops.git' })).toBe('acme/gitops');
    expect(
      statusRepoOf({ repo: 'http://127.0.0.1:9000/acme/gitops.git', githubApiUrl: 'http://127.0.0.1:9001' }),
    ).toBe('acme/gitops');
  });

  it('is undefined for other hosts: no GitHub status for a GitLab repository', () => {
    expect(statusRepoOf({ repo: 'https://gitlab.com/acme/gitops.git' })).toBeUndefined();
  });
});
