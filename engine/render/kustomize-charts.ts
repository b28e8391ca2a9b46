import { cp, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { ToolRunner } from '../ports.ts';
import type { KustomizeRemoteChart } from './check-kustomization.ts';
import type { RenderFailure } from './errors.ts';
import { fetchChart } from './fetch-chart.ts';
import { mirrorTree } from './mirror-tree.ts';
import type { RenderLimits } from './render-limits.ts';

export type StagedCharts =
  | { ok: true; repoDir: string; appDir: string; cleanup(): Promise<void> }
  | { ok: false; failure: RenderFailure };

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Kustomize's `helmCharts` with a `repo` are downloaded by syncwave (fetchChart: every redirect
 * hop within the render network policy, digests, size limit, operator credentials, the chart
 * cache) and put where kustomize looks before it would run `helm pull`
 * (`<chartHome>/<name>-<version>/<name>`), in a hard-linked mirror of the checkout, so helm never
 * fetches anything. Charts already vendored there are left alone; with none to fetch the
 * checkout is used as it is.
 */
export async function stageKustomizeCharts(input: {
  repoDir: string;
  appDir: string;
  charts: KustomizeRemoteChart[];
  tools: ToolRunner;
  cacheDir: string;
  limits: RenderLimits;
}): Promise<StagedCharts> {
  const missing: KustomizeRemoteChart[] = [];
  for (const chart of input.charts) if (!(await exists(chart.chartDir))) missing.push(chart);
  if (missing.length === 0)
    return { ok: true, repoDir: input.repoDir, appDir: input.appDir, cleanup: async () => {} };
  const root = join(input.cacheDir, 'kustomize-charts');
  await mkdir(root, { recursive: true });
  const scratch = await mkdtemp(join(root, 'mirror-'));
  const cleanup = () => rm(scratch, { recursive: true, force: true });
  const mirror = join(scratch, 'repo');
  try {
    await mirrorTree(input.repoDir, mirror);
    for (const chart of missing) {
      const got = await fetchChart(
        { name: chart.name, repoURL: chart.repo, version: chart.version },
        { tools: input.tools, cacheDir: input.cacheDir, limits: input.limits },
      );
      if (!got.ok) {
        await cleanup();
        return {
          ok: false,
          failure: {
            ...got.failure,
            file: chart.file,
            detail: `helmCharts ${chart.name}: ${got.failure.detail}`,
          },
        };
      }
      const target = join(mirror, relative(input.repoDir, chart.chartDir));
      await mkdir(dirname(target), { recursive: true });
      if (!(await exists(target))) await cp(got.chartDir, target, { recursive: true });
    }
  } catch (cause) {
    await cleanup();
    throw cause;
  }
  return { ok: true, repoDir: mirror, appDir: join(mirror, relative(input.repoDir, input.appDir)), cleanup };
}
