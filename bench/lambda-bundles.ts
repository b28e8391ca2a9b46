/**
 * Bundles every Lambda entry point (lambdas/<name>/handler.ts) the way the CDK stack does
 * (esbuild: minify, platform node, ESM, node22) and reports bundle size and cold init time
 * (a fresh `node` importing the bundle, median of 5).
 *
 *   npx tsx bench/lambda-bundles.ts        # prints a table, exits 1 if the webhook misses its budget
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { build } from 'esbuild';
import { startAwsEmulator } from '../harness/aws-emulator.ts';

/**
 * `runtime`: @aws-sdk/* left out of the bundle and loaded from the Lambda runtime (the CDK default
 * for nodejs22.x, and how the stack deploys). `bundled`: everything in the bundle.
 */
export type SdkMode = 'runtime' | 'bundled';

export interface LambdaBundleReport {
  name: string;
  sdk: SdkMode;
  entry: string;
  bytes: number;
  initMs: number;
  /** CPU time (user+sys) of the same imports, median. */
  initCpuMs: number;
  /** Packages in the bundle (by node_modules name), biggest first. */
  topPackages: Array<{ name: string; bytes: number }>;
  includesKubernetesClient: boolean;
}

export interface BundleLambdasOptions {
  root?: string;
  runs?: number;
  /** Both unless told. */
  sdkModes?: SdkMode[];
}

/** Same shim the CDK stack adds: CommonJS dependencies inside an ESM bundle still call require(). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __syncwaveCreateRequire } from 'node:module'; const require = __syncwaveCreateRequire(import.meta.url);";

/** Values the handlers read at cold start; nothing is called at import time. */
const FAKE_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  SYNCWAVE_ENVIRONMENTS: JSON.stringify([{ name: 'dev', branch: 'develop', cluster: 'dev' }]),
  SYNCWAVE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/syncwave-jobs.fifo',
  SYNCWAVE_WEBHOOK_SECRET_ID: 'syncwave/webhook-secret',
  SYNCWAVE_GIT_TOKEN_SECRET_ID: 'syncwave/git-token',
  SYNCWAVE_TABLE_NAME: 'syncwave-state',
  SYNCWAVE_BUCKET_NAME: 'syncwave-desired',
  SYNCWAVE_REPO: 'acme/gitops',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Wall time of the import and the CPU time it took (user+sys; steadier on a busy machine). */
function measureInit(
  file: string,
  runs: number,
  env: Record<string, string>,
): { wallMs: number; cpuMs: number } {
  const script = `const t = performance.now(); const c = process.cpuUsage(); await import(${JSON.stringify(pathToFileURL(file).href)}); const u = process.cpuUsage(c); process.stdout.write(String(performance.now() - t) + ' ' + String((u.user + u.system) / 1000));`;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ...FAKE_ENV, ...env },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`importing ${file} failed: ${r.stderr}`);
    const [wall, used] = r.stdout.trim().split(' ').map(Number);
    times.push(wall!);
    cpu.push(used!);
  }
  return { wallMs: median(times), cpuMs: median(cpu) };
}

export async function bundleLambdas(options: BundleLambdasOptions = {}): Promise<LambdaBundleReport[]> {
  const root = resolve(options.root ?? '.');
  const lambdasDir = join(root, 'lambdas');
  const names = readdirSync(lambdasDir).filter((n) => existsSync(join(lambdasDir, n, 'handler.ts')));
  // Inside node_modules/.cache so that a bundle with external @aws-sdk/* resolves them from the
  // project's node_modules, as the Lambda runtime resolves its own copy: init time includes loading them.
  await mkdir(join(root, 'node_modules', '.cache'), { recursive: true });
  const out = await mkdtemp(join(root, 'node_modules', '.cache', 'syncwave-bundles-'));
  // The webhook reads its secret at cold start (a missing one stops it): init is measured against
  // moto on loopback holding the secrets, so it includes that one Secrets Manager call.
  const aws = await startAwsEmulator();
  try {
    const sm = new SecretsManagerClient(aws.clientConfig);
    for (const id of [FAKE_ENV.SYNCWAVE_WEBHOOK_SECRET_ID!, FAKE_ENV.SYNCWAVE_GIT_TOKEN_SECRET_ID!])
      await sm.send(new CreateSecretCommand({ Name: id, SecretString: 'bench-secret-value' }));
    const awsEnv = { AWS_ENDPOINT_URL: aws.endpoint, AWS_REGION: aws.region };
    const reports: LambdaBundleReport[] = [];
    for (const [name, sdk] of names
      .sort()
      .flatMap((n) => (options.sdkModes ?? ['runtime', 'bundled']).map((m) => [n, m] as const))) {
      const entry = join(lambdasDir, name, 'handler.ts');
      const outfile = join(out, `${name}-${sdk}`, 'index.mjs');
      const result = await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        minify: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        metafile: true,
        logLevel: 'silent',
        banner: { js: ESM_REQUIRE_BANNER },
        external: sdk === 'runtime' ? ['@aws-sdk/*', '@kubernetes/client-node'] : ['@kubernetes/client-node'],
        absWorkingDir: root,
      });
      const perPackage = new Map<string, number>();
      const output = Object.values(result.metafile.outputs)[0]!;
      for (const [input, info] of Object.entries(output.inputs)) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
        const key = m ? m[1]! : '(syncwave)';
        perPackage.set(key, (perPackage.get(key) ?? 0) + info.bytesInOutput);
      }
      reports.push({
        name,
        sdk,
        entry: entry.slice(root.length + 1),
        bytes: (await stat(outfile)).size,
        ...((m) => ({ initMs: m.wallMs, initCpuMs: m.cpuMs }))(
          measureInit(outfile, options.runs ?? 5, awsEnv),
        ),
        topPackages: [...perPackage]
          .map(([n, bytes]) => ({ name: n, bytes }))
          .sort((a, b) => b.bytes - a.bytes)
          .slice(0, 8),
        includesKubernetesClient: perPackage.has('@kubernetes/client-node'),
      });
    }
    return reports;
  } finally {
    await aws.stop();
    await rm(out, { recursive: true, force: true });
  }
}

/** The webhook's budget (issue 5): under 250 KB minified, init under 250 ms, no Kubernetes client; checked as deployed (runtime SDK). */
export const WEBHOOK_BUDGET = { bytes: 250 * 1024, initMs: 250 };

/** For `npm run bench` (bench/run.ts): bundles, prints a table, sets exitCode 1 when the webhook misses its budget. */
export async function benchLambdaBundles(options: BundleLambdasOptions = {}): Promise<LambdaBundleReport[]> {
  const reports = await bundleLambdas(options);
  console.log(
    '\nlambda bundles (esbuild minify, ESM, node22; init = import of the bundle in a fresh node, median of 5)',
  );
  for (const r of reports) {
    console.log(
      `  ${r.name.padEnd(8)} sdk ${r.sdk.padEnd(7)} ${(r.bytes / 1024).toFixed(1).padStart(8)} KB  init ${r.initMs.toFixed(0).padStart(5)} ms  k8s client: ${r.includesKubernetesClient ? 'yes' : 'no'}`,
    );
    console.log(
      `           ${r.topPackages.map((p) => `${p.name} ${(p.bytes / 1024).toFixed(0)}K`).join(', ')}`,
    );
  }
  const webhook = reports.find((r) => r.name === 'webhook' && r.sdk === 'runtime');
  if (
    webhook &&
    (webhook.bytes > WEBHOOK_BUDGET.bytes ||
      webhook.initMs > WEBHOOK_BUDGET.initMs ||
      webhook.includesKubernetesClient)
  ) {
    console.error('webhook bundle misses its budget (250 KB, 250 ms, no @kubernetes/client-node)');
    process.exitCode = 1;
  }
  return reports;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchLambdaBundles();
}
