import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveInside } from '../render/repo-path.ts';

/** Files looked at per app path, and bytes per file: a cheap test, not a render. */
const MAX_FILES = 2000;
const MAX_BYTES = 1 << 20;

const MENTIONS_APPLICATION = /\bkind:\s*["']?Application["']?\s*$/m;

/**
 * True when a file under the app's path (symlinks not followed, bounded) declares an Argo CD
 * Application, literally or in a template: only such an app can be an app of apps, so only it
 * is rendered while the configuration is read.
 */
export async function looksLikeAppOfApps(repoDir: string, path: string): Promise<boolean> {
  const root = resolveInside(repoDir, repoDir, path);
  if (!root) return false;
  const stats = await lstat(root).catch(() => undefined);
  if (!stats?.isDirectory()) return false;
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  let files = 0;
  for (const entry of entries) {
    if (!entry.isFile() || !/\.(ya?ml|json|tpl)$/.test(entry.name)) continue;
    if (++files > MAX_FILES) return false;
    const file = join(entry.parentPath, entry.name);
    if ((await lstat(file)).size > MAX_BYTES) continue;
    const text = await readFile(file, 'utf8');
    if (text.includes('argoproj.io') && MENTIONS_APPLICATION.test(text)) return true;
  }
  return false;
}
