import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { x as extract, type ReadEntry } from 'tar';

/**
 * Unpacks a GitHub tarball (one top-level directory `<owner>-<repo>-<short sha>/`, stripped)
 * into the empty directory `dir`. The archive is untrusted: only files, directories and
 * symlinks are written (hard links, devices and FIFOs are refused), an entry name twice or an
 * entry below a symlink of the archive fails the whole extraction, and node-tar's own checks
 * (no absolute paths, no `..`) stay on. Throws an Error naming the entry.
 */
export async function extractTarball(bytes: Buffer | Readable, dir: string): Promise<void> {
  const seen = new Set<string>();
  const links = new Set<string>();
  let refused: string | undefined;
  const filter = (path: string, entry: ReadEntry | unknown): boolean => {
    const rel = path.split('/').filter(Boolean).slice(1).join('/');
    if (rel === '' || refused) return !refused;
    const type = (entry as ReadEntry).type;
    if (type === 'GlobalExtendedHeader' || type === 'ExtendedHeader') return true;
    if (type !== 'File' && type !== 'OldFile' && type !== 'Directory' && type !== 'SymbolicLink') {
      refused = `${rel}: ${type} entries are not allowed in a checkout`;
      return false;
    }
    if (seen.has(rel)) {
      refused = `${rel}: the archive holds this path twice`;
      return false;
    }
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const ancestor = parts.slice(0, i).join('/');
      if (links.has(ancestor)) {
        refused = `${rel}: lies below the symlink ${ancestor} of the archive`;
        return false;
      }
    }
    seen.add(rel);
    if (type === 'SymbolicLink') links.add(rel);
    return true;
  };
  // A stream (the HTTP response) is extracted as it arrives, never held whole.
  const input = Buffer.isBuffer(bytes) ? Readable.from([bytes]) : bytes;
  await pipeline(input, extract({ cwd: dir, strip: 1, filter }));
  if (refused) throw new Error(`${refused}; refusing the checkout`);
}
