import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { x as extract, type ReadEntry } from 'tar';
import { formatBytes } from './render-limits.ts';

/**
 * Unpacks a downloaded (untrusted) chart archive into the empty directory `dir`: only files and
 * directories are written (symlinks, hard links, devices refused), node-tar's own checks (no
 * absolute paths, no `..`) stay on, and the unpacked size and entry count are bounded, so a
 * gzip bomb stops at the limit. Answers why it refused, or undefined when unpacked.
 */
export async function unpackChart(
  archive: Buffer,
  dir: string,
  limits: { maxBytes: number; maxEntries?: number },
): Promise<string | undefined> {
  const maxEntries = limits.maxEntries ?? 10_000;
  let refused: string | undefined;
  let bytes = 0;
  let entries = 0;
  const filter = (path: string, entry: ReadEntry | unknown): boolean => {
    if (refused) return false;
    const { type, size } = entry as ReadEntry;
    if (type === 'GlobalExtendedHeader' || type === 'ExtendedHeader') return true;
    if (type !== 'File' && type !== 'OldFile' && type !== 'Directory') {
      refused = `${path}: ${type} entries are not allowed in a chart archive`;
      return false;
    }
    bytes += size ?? 0;
    entries += 1;
    if (bytes > limits.maxBytes) refused = `unpacks to more than ${formatBytes(limits.maxBytes)}`;
    else if (entries > maxEntries) refused = `holds more than ${maxEntries} entries`;
    return !refused;
  };
  try {
    await pipeline(Readable.from([archive]), extract({ cwd: dir, filter, strict: true }));
  } catch (cause) {
    return refused ?? `not a gzipped tar archive: ${(cause as Error).message}`;
  }
  return refused;
}
