import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { DirectorySource } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import type { Rendered } from './errors.ts';
import { globToRegExp } from './glob.ts';
import { parseManifests } from './parse-manifests.ts';
import { repoRelative, resolveInside } from './repo-path.ts';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface RenderDirectoryInput {
  /** The checkout root. */
  repoDir: string;
  /** Absolute directory of the app. */
  appDir: string;
  directory: DirectorySource;
}

/**
 * Plain manifests: every .yaml/.yml/.json file under the app directory (recursively when
 * `recurse`), in path order, filtered by `include`/`exclude` globs on the app-relative path.
 * Dot-files and dot-directories are skipped; symlinks are followed only inside the repository.
 */
export async function renderDirectory(input: RenderDirectoryInput): Promise<Rendered> {
  const include = input.directory.include ? globToRegExp(input.directory.include) : undefined;
  const exclude = input.directory.exclude ? globToRegExp(input.directory.exclude) : undefined;
  const files = await listFiles(input.repoDir, input.appDir, '', input.directory.recurse);
  const objects: KubeObject[] = [];
  for (const rel of files) {
    if (!MANIFEST_EXTENSIONS.has(extname(rel).toLowerCase())) continue;
    if (include && !include.test(rel)) continue;
    if (exclude?.test(rel)) continue;
    const abs = join(input.appDir, rel);
    const parsed = parseManifests(await readFile(abs, 'utf8'), { file: repoRelative(input.repoDir, abs) });
    if (!parsed.ok) return parsed;
    objects.push(...parsed.objects);
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
    if (isDir && recurse) out.push(...(await listFiles(repoDir, appDir, childRel, recurse)));
    else if (isFile) out.push(childRel);
  }
  return out;
}
