import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The first file under `dir` (path order, symlinks judged by their target, never followed into
 * directories) larger than `maxBytes`, with its size; undefined when none is. Stat only: no
 * file is read, so a 100 MB manifest costs one system call.
 */
export async function findOversizedFile(
  dir: string,
  maxBytes: number,
): Promise<{ path: string; size: number } | undefined> {
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '.git') continue;
      const found = await findOversizedFile(path, maxBytes);
      if (found) return found;
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile() && info.size > maxBytes) return { path, size: info.size };
    }
  }
  return undefined;
}
