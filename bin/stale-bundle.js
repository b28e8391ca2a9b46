// Used in a clone only (bin/syncwave.js and scripts/build.ts): is dist/ older than what it was
// built from? Compares modification times with dist/build.json, which the build stamps with the
// time it started, against every source directory it read (an added or removed file changes its
// directory), package.json, the installed dependencies and the build script.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} root the project directory */
export function bundleIsStale(root) {
  const stampFile = join(root, 'dist', 'build.json');
  if (!existsSync(stampFile) || !existsSync(join(root, 'dist', 'syncwave.js'))) return true;
  const built = statSync(stampFile).mtimeMs;
  const newer = (path) => {
    try {
      return statSync(path).mtimeMs > built;
    } catch {
      return true;
    }
  };
  const fixed = [
    'package.json',
    'node_modules/.package-lock.json',
    'scripts/build.ts',
    'bin/stale-bundle.js',
  ];
  if (fixed.some((f) => newer(join(root, f)))) return true;
  const { sourceDirs } = JSON.parse(readFileSync(stampFile, 'utf8'));
  for (const dir of sourceDirs) {
    const abs = join(root, dir);
    if (newer(abs)) return true;
    for (const name of readdirSync(abs)) if (newer(join(abs, name))) return true;
  }
  return false;
}
