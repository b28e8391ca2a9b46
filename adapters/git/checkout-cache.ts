import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Checkout } from '../../engine/index.ts';

/**
 * `<cacheDir>/checkouts/<revision>/`, written once: the files go to a temporary sibling first and
 * are renamed into place, so a reader never sees half a checkout and a crash leaves no stale one.
 */
export async function cachedCheckout(
  cacheDir: string,
  revision: string,
  write: (dir: string) => Promise<void>,
): Promise<Checkout> {
  const root = join(cacheDir, 'checkouts');
  const dir = join(root, revision);
  if (await exists(dir)) return { dir, revision };
  await mkdir(root, { recursive: true });
  const tmp = join(root, `.tmp-${revision}-${randomBytes(4).toString('hex')}`);
  try {
    await write(tmp);
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    // Someone else finished the same checkout first: theirs is as good as ours.
    if (await exists(dir)) return { dir, revision };
    throw err;
  }
  return { dir, revision };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
