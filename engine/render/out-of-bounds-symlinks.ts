import type { Dirent } from 'node:fs';
import { readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { repoRelative, resolveInside } from './repo-path.ts';

/** A symlink of the checkout whose target is outside it, repository-relative. */
export interface OutOfBoundsSymlink {
  file: string;
  /** The link's target as written in the repository. */
  target: string;
}

/**
 * The first symlink under `root` (the checkout) that is absolute or resolves outside it, in
 * path order; undefined when there is none. As Argo CD's CheckOutOfBoundsSymlinks, the whole
 * checkout is walked before anything renders (directories named `.git` skipped, links never
 * followed while walking), so no path a renderer takes from the repository (app path, value
 * file, `file://` chart, Kustomize resource, `.Files.Get`) can leave it through a link. A link
 * whose target exists is judged by its real path; a dangling one by its target resolved
 * lexically from the link's directory.
 */
export async function findOutOfBoundsSymlink(root: string): Promise<OutOfBoundsSymlink | undefined> {
  const realRoot = await realpath(root);
  return walk(realRoot, realRoot);
}

async function walk(realRoot: string, dir: string): Promise<OutOfBoundsSymlink | undefined> {
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      const target = await readlink(path);
      if (!(await linkStaysInside(realRoot, path, target)))
        return { file: repoRelative(realRoot, path), target };
    } else if (entry.isDirectory() && entry.name !== '.git') {
      const found = await walk(realRoot, path);
      if (found) return found;
    }
  }
  return undefined;
}

async function linkStaysInside(realRoot: string, path: string, target: string): Promise<boolean> {
  if (isAbsolute(target)) return false;
  const real = await realpath(path).catch(() => undefined);
  const resolved = real ?? resolve(dirname(path), target);
  return resolveInside(realRoot, realRoot, resolved) !== undefined;
}
