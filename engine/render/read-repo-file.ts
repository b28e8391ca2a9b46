import { readFile, realpath, stat } from 'node:fs/promises';
import type { RenderFailure } from './errors.ts';
import { formatBytes } from './render-limits.ts';
import { repoRelative, resolveInside } from './repo-path.ts';

export type RepoFileRead =
  | { ok: true; text: string; file: string }
  | { ok: false; failure: RenderFailure; missing?: boolean };

/**
 * Reads a file the repository names, as text: its real path (after every symlink) must be
 * inside `root` (the checkout) and it may not be larger than `maxBytes`, checked before a byte
 * is read. `file` in the answer and in failures is repository-relative.
 */
export async function readRepoFile(
  root: string,
  abs: string,
  opts: { maxBytes: number },
): Promise<RepoFileRead> {
  const realRoot = await realpath(root);
  const file = repoRelative(root, abs);
  const real = await realpath(abs).catch(() => undefined);
  if (real === undefined)
    return {
      ok: false,
      missing: true,
      failure: { reason: 'app-path-missing', file, detail: `${file} does not exist` },
    };
  if (!resolveInside(realRoot, realRoot, real))
    return {
      ok: false,
      failure: {
        reason: 'symlink-outside-repo',
        file,
        detail: 'resolves outside the repository through a symlink',
      },
    };
  const info = await stat(real);
  if (info.size > opts.maxBytes)
    return {
      ok: false,
      failure: {
        reason: 'limit-exceeded',
        file,
        detail: `the file is ${formatBytes(info.size)}, more than the ${formatBytes(opts.maxBytes)} limit of one repository file`,
      },
    };
  return { ok: true, text: await readFile(real, 'utf8'), file };
}
