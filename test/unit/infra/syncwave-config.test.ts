import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSyncwaveConfig, parseSyncwaveConfig, policyDocument } from '../../../infra/syncwave-config.ts';

const minimal = {
  repo: 'acme/gitops',
  environments: [{ name: 'dev', branch: 'develop', clusterName: 'dev' }],
};

describe('parseSyncwaveConfig', () => {
  it('fills in defaults', () => {
    expect(parseSyncwaveConfig(minimal, 'test')).toEqual({
      ...minimal,
      driftSchedule: 'rate(3 minutes)',
      clusterAdmin: false,
      historyLimit: 10,
      logRetentionDays: 30,
      workerTimeoutSeconds: 300,
      appStuckMinutes: 30,
      ephemeralStorageMiB: 1024,
      previewForks: false,
    });
  });

  it.each([
    [{ ...minimal, environments: [] }, /environments: must list at least one environment/],
    [
      { ...minimal, environments: [{ name: 'Dev!', branch: 'x', clusterName: 'c' }] },
      /environments\[0\]\.name: must be lower-case/,
    ],
    [{ ...minimal, environments: [{ name: 'dev', clusterName: 'c' }] }, /environments\[0\]\.branch/],
    [
      { ...minimal, environments: [...minimal.environments, ...minimal.environments] },
      /environments\[1\]\.name: "dev" is used twice/,
    ],
    [{ ...minimal, driftSchedule: 'every 3 minutes' }, /driftSchedule: must be a schedule expression/],
    [{ ...minimal, logRetentionDays: 42 }, /logRetentionDays: must be one of/],
    [
      { ...minimal, webhookSecretArn: 'my-secret' },
      /webhookSecretArn: must be a full Secrets Manager secret ARN/,
    ],
    [{ ...minimal, vpc: { vpcId: 'vpc-xyz', subnetIds: [] } }, /vpc\.vpcId.*\n.*vpc\.subnetIds/],
    [{ ...minimal, colour: 'blue' }, /\(root\)|colour/],
    [{ ...minimal, previewForks: 'yes' }, /previewForks: /],
    [{ environments: minimal.environments }, /repo/],
    [
      {
        ...minimal,
        environments: [{ ...minimal.environments[0], policy: { namespaces: ['a'], kinds: [] } }],
      },
      /environments\[0\]\.policy: .*kinds/,
    ],
    [
      {
        ...minimal,
        environments: [{ ...minimal.environments[0], policy: { clusterResources: ['Namespace'] } }],
      },
      /environments\[0\]\.policy\.clusterResources\[0\]: "Namespace": write group\/Kind/,
    ],
    [
      {
        ...minimal,
        environments: [
          {
            ...minimal.environments[0],
            policy: { namespaces: Array.from({ length: 300 }, (_, i) => `team-${i}-*`) },
          },
        ],
      },
      /environments: the policies take \d+ bytes as SYNCWAVE_POLICY, more than 2048/,
    ],
  ])('explains what is wrong: %#', (raw, message) => {
    expect(() => parseSyncwaveConfig(raw, 'syncwave.config.json')).toThrow(message);
  });

  it('names the source in every line', () => {
    expect(() => parseSyncwaveConfig({}, 'cdk context "syncwave"')).toThrow(
      /^Invalid syncwave configuration:\n {2}cdk context "syncwave": /,
    );
  });
});

describe('policyDocument', () => {
  it('is absent without policies, and lists every environment once one has a policy', () => {
    expect(policyDocument(parseSyncwaveConfig(minimal, 'test'))).toBeUndefined();
    const config = parseSyncwaveConfig(
      {
        ...minimal,
        environments: [
          { name: 'dev', branch: 'develop', clusterName: 'dev', policy: { namespaces: ['dev-*'] } },
          { name: 'prod', branch: 'main', clusterName: 'prod' },
        ],
      },
      'test',
    );
    expect(JSON.parse(policyDocument(config)!)).toEqual({
      environments: {
        dev: { namespaces: ['dev-*'], clusterResources: [] },
        prod: { namespaces: ['*'], clusterResources: [{ group: '*', kind: '*' }] },
      },
    });
  });
});

describe('loadSyncwaveConfig', () => {
  it('prefers cdk context, as an object or JSON text', () => {
    expect(loadSyncwaveConfig({ context: (k) => (k === 'syncwave' ? minimal : undefined) }).repo).toBe(
      'acme/gitops',
    );
    expect(
      loadSyncwaveConfig({ context: (k) => (k === 'syncwave' ? JSON.stringify(minimal) : undefined) }).repo,
    ).toBe('acme/gitops');
  });

  it('reads syncwave.config.json, or the file named by context', () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncwave-config-'));
    writeFileSync(join(dir, 'syncwave.config.json'), JSON.stringify(minimal));
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ ...minimal, repo: 'acme/other' }));
    expect(loadSyncwaveConfig({ context: () => undefined, cwd: dir }).repo).toBe('acme/gitops');
    expect(
      loadSyncwaveConfig({
        context: (k) => (k === 'syncwaveConfigFile' ? 'other.json' : undefined),
        cwd: dir,
      }).repo,
    ).toBe('acme/other');
  });

  it('says how to configure when nothing is there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncwave-config-'));
    expect(() => loadSyncwaveConfig({ context: () => undefined, cwd: dir })).toThrow(
      /No syncwave configuration: create .*syncwave.config.json/,
    );
  });
});
