import { glob } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findOutOfBoundsSymlink } from '../render/out-of-bounds-symlinks.ts';
import { readRepoFile } from '../render/read-repo-file.ts';
import { DEFAULT_RENDER_LIMITS } from '../render/render-limits.ts';
import { applicationToRawApp, isArgoApplication } from './argo-application.ts';
import type { RawApp } from './schema.ts';

/** An app as declared: in syncwave.yaml, or by an Argo CD Application manifest. */
export interface DeclaredApp {
  raw: RawApp;
  /** Applications only: the branch it targets. */
  targetRevision?: string;
  /** Applications only: the repository its source names. */
  repoURL?: string;
  fromApplication: boolean;
  declaredIn: string;
}

/**
 * Argo CD Applications in the files matching the globs. `lenient` (discovery) skips files
 * that are not YAML (Helm templates) instead of reporting them. The checkout is a jail: a glob
 * that is absolute or climbs out with `..`, or any symlink of the checkout that leaves it,
 * is a problem; each file is read by its real path with the size and YAML alias limits.
 */
export async function readApplications(
  dir: string,
  patterns: readonly string[],
  opts: { lenient?: boolean; exclude?: (file: string) => boolean; declaredIn?: string } = {},
): Promise<{ apps: DeclaredApp[]; problems: string[] }> {
  const apps: DeclaredApp[] = [];
  const problems: string[] = [];
  if (!patterns.length) return { apps, problems };
  const escaping = patterns.find((p) => isAbsolute(p) || p.split(/[\\/]/).includes('..'));
  if (escaping !== undefined) {
    problems.push(
      `${opts.declaredIn ?? 'syncwave.yaml'}: applications: "${escaping}" leaves the repository; globs are relative to its root and may not use ..`,
    );
    return { apps, problems };
  }
  const link = await findOutOfBoundsSymlink(dir);
  if (link) {
    problems.push(
      `${link.file}: symlink to ${link.target} leaves the repository; replace it with the file itself`,
    );
    return { apps, problems };
  }
  for (const pattern of patterns) {
    for await (const abs of glob(pattern, { cwd: dir })) {
      const file = relative(dir, join(dir, abs));
      if (opts.exclude?.(file)) continue;
      const read = await readRepoFile(dir, join(dir, file), { maxBytes: DEFAULT_RENDER_LIMITS.maxFileBytes });
      if (!read.ok) {
        if (!read.missing) problems.push(`${read.failure.file}: ${read.failure.detail}`);
        continue;
      }
      const text = read.text;
      if (opts.lenient && !/argoproj\.io/.test(text)) continue;
      for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length) {
          if (!opts.lenient) problems.push(`${file}: ${doc.errors[0]?.message}`);
          continue;
        }
        let value: unknown;
        try {
          value = doc.toJS({ maxAliasCount: DEFAULT_RENDER_LIMITS.maxAliasCount });
        } catch (cause) {
          problems.push(
            `${file}: YAML aliases expand past the limit of ${DEFAULT_RENDER_LIMITS.maxAliasCount}: ${(cause as Error).message}`,
          );
          continue;
        }
        if (!isArgoApplication(value)) continue;
        const read = applicationToRawApp(value, file);
        for (const p of read.problems) problems.push(p);
        if (read.app)
          apps.push({
            raw: read.app,
            targetRevision: read.targetRevision,
            repoURL: read.repoURL,
            fromApplication: true,
            declaredIn: file,
          });
      }
    }
  }
  return { apps, problems };
}
