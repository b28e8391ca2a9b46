import { glob, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
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
 * that are not YAML (Helm templates) instead of reporting them.
 */
export async function readApplications(
  dir: string,
  patterns: readonly string[],
  opts: { lenient?: boolean; exclude?: (file: string) => boolean } = {},
): Promise<{ apps: DeclaredApp[]; problems: string[] }> {
  const apps: DeclaredApp[] = [];
  const problems: string[] = [];
  for (const pattern of patterns) {
    for await (const abs of glob(pattern, { cwd: dir })) {
      const file = relative(dir, join(dir, abs));
      if (opts.exclude?.(file)) continue;
      const text = await readFile(join(dir, file), 'utf8');
      if (opts.lenient && !/argoproj\.io/.test(text)) continue;
      for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length) {
          if (!opts.lenient) problems.push(`${file}: ${doc.errors[0]?.message}`);
          continue;
        }
        const value = doc.toJS();
        if (!isArgoApplication(value)) continue;
        const read = applicationToRawApp(value, file);
        problems.push(...read.problems);
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
