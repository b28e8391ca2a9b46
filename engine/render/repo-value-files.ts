import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppSpec } from '../app-spec.ts';
import { REPO_VALUE_FILE } from '../config/argo-sources.ts';
import type { RenderFailure } from './errors.ts';
import { readRepoFile } from './read-repo-file.ts';
import type { RenderLimits } from './render-limits.ts';
import { resolveInside } from './repo-path.ts';

export type StagedChart =
  | { ok: true; app: AppSpec; repoDir: string; chartDir: string; cleanup(): Promise<void> }
  | { ok: false; failure: RenderFailure };

/**
 * A pulled chart whose value files partly come from this repository (`$values/...` of a ref
 * source, written `$repo/<path>`): the chart and those files (read through the checkout's jail)
 * are copied side by side into a scratch directory, so helm sees one tree. Without such files the
 * pulled chart is used as it is.
 */
export async function stageRepoValueFiles(
  app: AppSpec,
  chartDir: string,
  opts: { checkoutDir: string; cacheDir: string; limits: RenderLimits },
): Promise<StagedChart> {
  const none = async () => {};
  if (!app.helm.valueFiles.some((f) => f.startsWith(REPO_VALUE_FILE)))
    return { ok: true, app, repoDir: chartDir, chartDir, cleanup: none };
  const scratch = join(opts.cacheDir, 'helm', 'work');
  await mkdir(scratch, { recursive: true });
  const work = await mkdtemp(join(scratch, 'chart-'));
  const cleanup = () => rm(work, { recursive: true, force: true });
  const valueFiles: string[] = [];
  try {
    await cp(chartDir, join(work, 'chart'), { recursive: true });
    await mkdir(join(work, 'values'));
    for (const [i, file] of app.helm.valueFiles.entries()) {
      if (!file.startsWith(REPO_VALUE_FILE)) {
        valueFiles.push(file);
        continue;
      }
      const rel = file.slice(REPO_VALUE_FILE.length);
      const abs = resolveInside(opts.checkoutDir, opts.checkoutDir, rel);
      if (!abs) {
        await cleanup();
        return {
          ok: false,
          failure: { reason: 'path-outside-repo', file: rel, detail: `value file ${rel}` },
        };
      }
      const read = await readRepoFile(opts.checkoutDir, abs, { maxBytes: opts.limits.maxFileBytes });
      if (!read.ok) {
        await cleanup();
        const failure = read.missing
          ? { reason: 'value-file-missing' as const, file: rel, detail: `value file ${rel} does not exist` }
          : read.failure;
        return { ok: false, failure };
      }
      await writeFile(join(work, 'values', `${i}.yaml`), read.text);
      valueFiles.push(`../values/${i}.yaml`);
    }
  } catch (cause) {
    await cleanup();
    throw cause;
  }
  return {
    ok: true,
    app: { ...app, helm: { ...app.helm, valueFiles } },
    repoDir: work,
    chartDir: join(work, 'chart'),
    cleanup,
  };
}
