import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { DirectorySource } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import type { Rendered } from './errors.ts';
import { globToRegExp } from './glob.ts';
import { parseManifests } from './parse-manifests.ts';
import { readRepoFile } from './read-repo-file.ts';
import { formatBytes, type RenderLimits } from './render-limits.ts';
import { resolveInside } from './repo-path.ts';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface RenderDirectoryInput {
  /** The checkout root. */
  repoDir: string;
  /** Absolute directory of the app. */
  appDir: string;
  directory: DirectorySource;
  limits: RenderLimits;
}

/**
 * Plain manifests: every .yaml/.yml/.json file under the app directory (recursively when
 * `recurse`), in path order, filtered by `include`/`exclude` globs on the app-relative path.
 * Dot-files and dot-directories are skipped; symlinks are followed only inside the repository.
 * Each file is size-checked before it is read, and all of them together may not pass the
 * rendered-size limit.
 */
export async function renderDirectory(input: RenderDirectoryInput): Promise<Rendered> {
  const style = input.directory.globs === 'argocd' ? 'argocd' : 'syncwave';
  const include = input.directory.include ? globToRegExp(input.directory.include, { style }) : undefined;
  const exclude = input.directory.exclude ? globToRegExp(input.directory.exclude, { style }) : undefined;
  const files = await listFiles(input.repoDir, input.appDir, '', input.directory.recurse);
  const objects: KubeObject[] = [];
  let total = 0;
  for (const rel of files) {
    if (!MANIFEST_EXTENSIONS.has(extname(rel).toLowerCase())) continue;
    if (include && !include.test(rel)) continue;
    if (exclude?.test(rel)) continue;
    const read = await readRepoFile(input.repoDir, join(input.appDir, rel), {
      maxBytes: input.limits.maxFileBytes,
    });
    if (!read.ok) return read;
    total += Buffer.byteLength(read.text);
    if (total > input.limits.maxRenderedBytes) {
      return {
        ok: false,
        failure: {
          reason: 'limit-exceeded',
          file: read.file,
          detail: `the app's files pass the ${formatBytes(input.limits.maxRenderedBytes)} limit of rendered output at ${read.file}`,
        },
      };
    }
    const parsed = parseManifests(read.text, {
      file: read.file,
      maxAliasCount: input.limits.maxAliasCount,
      maxObjects: input.limits.maxObjects - objects.length,
    });
    if (!parsed.ok) return parsed;
    for (const o of parsed.objects) objects.push(o);
  }
  return { ok: true, objects };
}

async function listFiles(repoDir: string, appDir: string, rel: string, recurse: boolean): Promise<string[]> {
  const entries: Dirent[] = await readdir(join(appDir, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await realpath(join(appDir, childRel)).catch(() => undefined);
      if (!target || !resolveInside(await realpath(repoDir), target, '.')) continue;
      const s = await stat(target);
      isDir = false; // never recurse through links: no loops
      isFile = s.isFile();
    }
    if (isDir && recurse) for (const f of await listFiles(repoDir, appDir, childRel, recurse)) out.push(f);
    else if (isFile) out.push(childRel);
  }
  return out;
}
