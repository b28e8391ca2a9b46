// Hand-made ustar archives for hostile tarballs (a path twice, a file below a symlink of the
// archive, a hard link): each entry is a 512-byte header and its data, as tar(5) describes.
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  content?: string;
  linkpath?: string;
}

const TYPEFLAG = { file: '0', hardlink: '1', symlink: '2', dir: '5' } as const;

function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(entry.path, 0, 100);
  h.write(entry.type === 'dir' ? '0000755\0' : '0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(TYPEFLAG[entry.type], 156);
  if (entry.linkpath) h.write(entry.linkpath, 157, 100);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** A gzipped tarball of the entries, in order, each under `top/` (GitHub's layout). */
export function tarball(top: string, entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [header({ path: `${top}/`, type: 'dir' }, 0)];
  for (const e of entries) {
    const data = Buffer.from(e.type === 'file' ? (e.content ?? '') : '');
    blocks.push(header({ ...e, path: `${top}/${e.path}` }, data.length));
    if (data.length) blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
