/**
 * `npm test`: type check, lint (biome + layer rules), then every vitest project (unit and
 * integration against the real control plane), ending with one plain summary line
 * `N passed, N failed, N skipped` that any CI can read.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const extra = process.argv.slice(2);

function step(name: string, cmd: string, args: string[]): number {
  process.stderr.write(`\n== ${name}: ${cmd} ${args.join(' ')}\n`);
  const run = spawnSync(cmd, args, { stdio: 'inherit' });
  return run.status ?? 1;
}

/** The AWS emulator (moto) and cfn-lint come from PyPI; install them once if missing. */
function ensurePythonTools(): void {
  const have = (cmd: string) =>
    spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  if (have('moto_server') && have('cfn-lint')) return;
  step('python tools', 'python3', [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    'moto[server]',
    'cfn-lint',
  ]);
}

ensurePythonTools();
const checks = [
  step('typecheck', 'npx', ['tsc', '--noEmit', '-p', '.']),
  step('lint', 'npx', ['biome', 'check', '.']),
  step('layers', 'npx', [
    'depcruise',
    '--config',
    '.dependency-cruiser.cjs',
    'engine',
    'adapters',
    'ingest',
    'cli',
    'lambdas',
    'infra',
  ]),
];
// Build (or find cached) the control plane, helm/kubectl and the OCI registry before vitest, so a cold build
// on a fresh machine (10-20 minutes) is not bounded by a test hook timeout.
const prepared = [
  // The CLI bundle the package ships (bin/syncwave.js runs it when it is newer than the sources):
  // CLI tests then start it in ~50 ms instead of compiling TypeScript at every spawn.
  step('build', 'npx', ['tsx', 'scripts/build.ts']),
  step('control plane binaries', 'npx', ['tsx', 'harness/cluster-cli.ts', 'build']),
  step('helm and kubectl', 'npx', ['tsx', 'harness/tools-cli.ts']),
  step('OCI registry', 'npx', ['tsx', 'harness/registry-cli.ts']),
  // The Lambda Runtime Interface Emulator (Go module) and aws-lambda-ric (npm, native build):
  // test/integration/aws-lambda-rie.test.ts runs the synthesized bundles with them.
  step('lambda runtime emulator', 'npx', ['tsx', 'harness/lambda-rie.ts', 'build']),
];
mkdirSync('.syncwave', { recursive: true });
const results = '.syncwave/test-results.json';
const vitest = step('tests', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${results}`,
  ...extra,
]);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(results, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + json.numTodoTests;
} catch {
  failed = 1;
}
const checkFailures = [...checks, ...prepared].filter((c) => c !== 0).length;
if (checkFailures) process.stderr.write(`${checkFailures} static check(s) failed (see above)\n`);
console.log(`${passed} passed, ${failed + checkFailures} failed, ${skipped} skipped`);
process.exit(vitest !== 0 || checkFailures ? 1 : 0);
