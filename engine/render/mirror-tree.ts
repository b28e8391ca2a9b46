import type { Dirent } from 'node:fs';
import { copyFile, link, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A copy of the directory tree `from` at `to` (which must not exist) made of hard links: no
 * file's bytes are copied, so a checkout of any size is mirrored in a few milliseconds per
 * thousand files. Directories are created, files hard-linked (copied when the two are on
 * different filesystems or links are refused), symlinks recreated with the same target (the
 * checkout holds only relative links that stay inside it: findOutOfBoundsSymlink). `.git` is
 * left out. A file of the mirror must be replaced (unlink, then write), never written in place:
 * it is the same file as the original.
 */
export async function mirrorTree(from: string, to: string): Promise<void> {
  await mkdir(to);
  const entries: Dirent[] = await readdir(from, { withFileTypes: true });
  for (const entry of entries) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isSymbolicLink()) await symlink(await readlink(src), dst);
    else if (entry.isDirectory()) {
      if (entry.name !== '.git') await mirrorTree(src, dst);
    } else if (entry.isFile()) {
      await link(src, dst).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EXDEV' || error.code === 'EPERM' || error.code === 'EMLINK')
          return copyFile(src, dst);
        throw error;
      });
    }
  }
}
