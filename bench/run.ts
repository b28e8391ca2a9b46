/**
 * `npm run bench`: engine sync vs kubectl, and the Lambda bundles' size and cold init.
 * Numbers go to stdout as a table and to .syncwave/bench.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchEngineSync } from './engine-sync.ts';

const only = process.argv[2];
const results: Record<string, unknown> = {};

if (!only || only === 'engine') {
  const r = await benchEngineSync();
  results.engine = r;
  console.log('\nengine: 500 ConfigMaps in 3 waves (same control plane)');
  console.log(
    `  syncwave first sync   ${r.syncwaveFirstMs?.toFixed(0)} ms   kubectl apply --server-side  ${r.kubectlFirstMs?.toFixed(0)} ms   ratio ${((r.syncwaveFirstMs ?? 0) / (r.kubectlFirstMs ?? 1)).toFixed(2)}`,
  );
  console.log(
    `  syncwave no-op sync   ${r.syncwaveNoopMs?.toFixed(0)} ms   kubectl apply --server-side  ${r.kubectlNoopMs?.toFixed(0)} ms   ratio ${((r.syncwaveNoopMs ?? 0) / (r.kubectlNoopMs ?? 1)).toFixed(2)}`,
  );
}

if (!only || only === 'lambdas') {
  try {
    const { benchLambdaBundles } = (await import('./lambda-bundles.ts')) as {
      benchLambdaBundles?: () => Promise<unknown>;
    };
    if (benchLambdaBundles) results.lambdas = await benchLambdaBundles();
  } catch (error) {
    console.error(`lambda bundles: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

mkdirSync('.syncwave', { recursive: true });
writeFileSync('.syncwave/bench.json', `${JSON.stringify(results, null, 2)}\n`);
