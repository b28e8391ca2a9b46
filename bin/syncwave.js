#!/usr/bin/env node
// The syncwave command. Checks the Node version first (nothing else is loaded before), then runs
// the bundle in dist/ (built by `npm run build`, which `npm ci`, `npm pack` and git-URL installs
// run). In a clone whose dist/ is missing or older than the sources, it runs the TypeScript
// sources through tsx instead, so an edit is never hidden by a stale bundle.

const NEED = { major: 22, minor: 13 };
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < NEED.major || (major === NEED.major && minor < NEED.minor)) {
  process.stderr.write(
    `syncwave needs Node.js ${NEED.major}.${NEED.minor} or newer (it uses node:sqlite); ` +
      `this is Node.js ${process.version} (${process.execPath}).\n` +
      `Install Node.js 22 (https://nodejs.org, or \`nvm install 22\`) and run syncwave with it.\n`,
  );
  process.exit(2);
}

const { existsSync } = await import('node:fs');
const { fileURLToPath } = await import('node:url');
const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/syncwave.js`;
const bundleUrl = new URL('../dist/syncwave.js', import.meta.url).href;

const fromSource =
  existsSync(`${root}cli/main.ts`) &&
  (process.env.SYNCWAVE_FROM_SOURCE === '1' || (await import('./stale-bundle.js')).bundleIsStale(root));

if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
} else if (!existsSync(bundle)) {
  process.stderr.write(
    `syncwave: ${bundle} is missing: this copy of syncwave was never built. ` +
      `Install a packed tarball (npm pack) or a git URL, or run \`npm run build\` in ${root}.\n`,
  );
  process.exit(2);
} else {
  // V8's compiled code, kept per user: later starts skip most parsing.
  const { default: module } = await import('node:module');
  const { homedir } = await import('node:os');
  const cache = process.env.SYNCWAVE_CACHE || `${process.env.HOME || homedir()}/.cache/syncwave`;
  module.enableCompileCache?.(`${cache}/node-compile-cache`);
  await import(bundleUrl);
}
