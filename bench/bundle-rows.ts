/** The `bundle` benchmark: Lambda bundle sizes and cold init (bench/lambda-bundles.ts), the CLI's dist/. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchResult, result } from './bench-result.ts';
import { ROOT } from './install-package.ts';
import { type BundleLambdasOptions, bundleLambdas, WEBHOOK_BUDGET } from './lambda-bundles.ts';

/**
 * Init targets (issue 13): the webhook as deployed (SDK from the runtime) < 250 ms; the worker
 * and drift with the SDK inside the bundle < 300 ms. Other variants are reported without one.
 */
function initTarget(name: string, sdk: 'runtime' | 'bundled'): number | undefined {
  if (name === 'webhook') return sdk === 'runtime' ? WEBHOOK_BUDGET.initMs : undefined;
  return sdk === 'bundled' ? 300 : undefined;
}

/** Bytes of the JavaScript under `dir` (not dist/tools/, the helm and kubectl zip). */
function jsBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) return sum + (name === 'tools' ? 0 : jsBytes(path));
    return sum + (name.endsWith('.js') ? st.size : 0);
  }, 0);
}

export async function benchBundles(options: BundleLambdasOptions = {}): Promise<BenchResult[]> {
  const runs = options.runs ?? 5;
  const reports = await bundleLambdas({ ...options, runs });
  const rows: BenchResult[] = [];
  for (const r of reports) {
    const id = `bundle/${r.name}${r.sdk === 'bundled' ? '-sdk-bundled' : ''}`;
    const sizeTarget = r.name === 'webhook' && r.sdk === 'runtime' ? WEBHOOK_BUDGET.bytes / 1024 : undefined;
    rows.push(
      result(
        `${id}-size`,
        Math.round(r.bytes / 102.4) / 10,
        'KB',
        sizeTarget ? { op: '<', value: sizeTarget } : undefined,
        `esbuild minify, SDK ${r.sdk === 'runtime' ? 'from the Lambda runtime' : 'in the bundle'}`,
      ),
      result(
        `${id}-init`,
        Math.round(r.initMs),
        'ms',
        initTarget(r.name, r.sdk) === undefined ? undefined : { op: '<', value: initTarget(r.name, r.sdk)! },
        `import in a fresh node, median of ${runs}`,
      ),
      result(
        `${id}-init-cpu`,
        Math.round(r.initCpuMs),
        'ms',
        undefined,
        'CPU time of the same imports (user+sys)',
      ),
    );
  }
  try {
    rows.push(
      result(
        'bundle/cli-dist',
        Math.round(jsBytes(join(ROOT, 'dist')) / 1024),
        'KB',
        undefined,
        'JavaScript in dist/ (npm run build), every chunk',
      ),
      result(
        'bundle/cli-help',
        Math.round(statSync(join(ROOT, 'dist', 'syncwave.js')).size / 1024),
        'KB',
        undefined,
        'dist/syncwave.js, the entry --help loads',
      ),
    );
  } catch {
    // no dist/ (never built): the Lambda rows still stand
  }
  return rows;
}
