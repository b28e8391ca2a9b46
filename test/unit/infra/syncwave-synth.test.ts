/**
 * `infra/app.ts` synthesized the way `cdk synth` runs it (CDK_OUTDIR, CDK_CONTEXT_JSON), offline and
 * with no AWS credentials, bundling the functions for real with local esbuild; then cfn-lint (PyPI:
 * `pip install cfn-lint`) over the template when it is installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const hasCfnLint = spawnSync('cfn-lint', ['--version']).status === 0;

/**
 * W3005: CDK adds DependsOn on a function's role although Role already references it (GetAtt).
 * The template is correct; cfn-lint only notes the redundancy, which we cannot remove from CDK output.
 */
const IGNORED_CHECKS = ['W3005'];

describe('cdk synth of infra/app.ts', () => {
  let out: string;
  let template: {
    Resources: Record<
      string,
      { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }
    >;
  };

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'syncwave-synth-'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !k.startsWith('AWS_')) env[k] = v;
    const res = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['infra/app.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...env,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        CDK_OUTDIR: out,
        CDK_CONTEXT_JSON: JSON.stringify({
          'aws:cdk:enable-asset-metadata': true,
          syncwave: {
            repo: 'acme/gitops',
            environments: [
              { name: 'dev', branch: 'develop', clusterName: 'dev' },
              { name: 'prod', branch: 'main', clusterName: 'prod' },
            ],
          },
        }),
      },
    });
    if (res.status !== 0) throw new Error(`synth failed (${res.status}):\n${res.stderr}\n${res.stdout}`);
    template = JSON.parse(readFileSync(join(out, 'syncwave.template.json'), 'utf8'));
  }, 180_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('bundles the webhook without the Kubernetes client, under 250 KB', () => {
    const [, webhook] = Object.entries(template.Resources).find(
      ([, r]) =>
        r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description).startsWith('syncwave webhook'),
    )!;
    const assetDir = join(out, webhook.Metadata!['aws:asset:path']!);
    const bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(statSync(join(assetDir, 'index.mjs')).size).toBeLessThan(250 * 1024);
    expect(bundle).not.toContain('@kubernetes/client-node');
    expect(bundle).not.toMatch(/KubeConfig/);
  });

  it('bundles worker and drift with the SDK clients they call', () => {
    for (const prefix of ['syncwave worker', 'syncwave drift']) {
      const [, fn] = Object.entries(template.Resources).find(
        ([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description).startsWith(prefix),
      )!;
      const bundle = readFileSync(join(out, fn.Metadata!['aws:asset:path']!, 'index.mjs'), 'utf8');
      for (const command of ['"DescribeCluster"', '"GetItem"', '"PutObject"']) {
        expect(bundle, `${prefix}: ${command}`).toContain(command);
      }
    }
  });

  it('bundles the AWS SDK into every function: nothing is loaded from the runtime copy', () => {
    const fns = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(fns).toHaveLength(3);
    for (const fn of fns) {
      const bundle = readFileSync(join(out, fn.Metadata!['aws:asset:path']!, 'index.mjs'), 'utf8');
      // An external module would stay an import/require of its package name. (The SDK's error
      // texts about its optional signers say "register the package by calling [require(...)]".)
      const external = [
        ...bundle.matchAll(/(?<!\[)(?:from|import\(|require\()\s*["']((?:@aws-sdk|@smithy)\/[\w-]+)/g),
      ].map((m) => m[1]);
      expect(external).toEqual([]);
    }
  });

  it.skipIf(!hasCfnLint)('passes cfn-lint', () => {
    const res = spawnSync(
      'cfn-lint',
      ['--ignore-checks', ...IGNORED_CHECKS, '--', join(out, 'syncwave.template.json')],
      {
        encoding: 'utf8',
      },
    );
    expect(res.stdout + res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});
