import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import { ToolsError } from './errors.ts';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** Unix mode from the external attributes, 0 when the archive did not record one. */
  mode: number;
}

/**
 * Unpacks a zip archive (stored or deflated entries, no zip64) into `destDir`, streaming each
 * entry so a 60 MB binary never sits in memory. Unix file modes are kept; entries that would
 * land outside `destDir` are refused.
 */
export async function extractZip(zipPath: string, destDir: string): Promise<string[]> {
  const entries = await readCentralDirectory(zipPath);
  const written: string[] = [];
  const file = await open(zipPath, 'r');
  try {
    for (const entry of entries) {
      const target = normalize(join(destDir, entry.name));
      if (!target.startsWith(normalize(destDir) + sep)) {
        throw new ToolsError(
          `${zipPath}: entry ${entry.name} points outside the target directory; refusing it`,
        );
      }
      if (entry.name.endsWith('/')) {
        await mkdir(target, { recursive: true });
        continue;
      }
      const header = Buffer.alloc(30);
      await file.read(header, 0, 30, entry.localHeaderOffset);
      if (header.readUInt32LE(0) !== LOCAL_SIGNATURE) {
        throw new ToolsError(
          `${zipPath}: bad local header for ${entry.name}; the archive is damaged, reinstall it`,
        );
      }
      const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      await mkdir(dirname(target), { recursive: true });
      const source = createReadStream(zipPath, {
        start: dataStart,
        end: dataStart + entry.compressedSize - 1,
      });
      const sink = createWriteStream(target, { mode: entry.mode || 0o755 });
      if (entry.method === 0) await pipeline(source, sink);
      else if (entry.method === 8) await pipeline(source, createInflateRaw(), sink);
      else
        throw new ToolsError(
          `${zipPath}: ${entry.name} uses compression method ${entry.method}; only stored and deflate are supported`,
        );
      written.push(target);
    }
  } finally {
    await file.close();
  }
  return written;
}

async function readCentralDirectory(zipPath: string): Promise<ZipEntry[]> {
  const file = await open(zipPath, 'r');
  try {
    const { size } = await file.stat();
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ToolsError(`${zipPath}: no end of central directory; this is not a zip file`);
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = Buffer.alloc(cdSize);
    await file.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) {
        throw new ToolsError(`${zipPath}: bad central directory entry ${i}; the archive is damaged`);
      }
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      entries.push({
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        mode: (cd.readUInt32LE(p + 38) >>> 16) & 0o777,
        localHeaderOffset: cd.readUInt32LE(p + 42),
        name: cd.toString('utf8', p + 46, p + 46 + nameLength),
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await file.close();
  }
}
