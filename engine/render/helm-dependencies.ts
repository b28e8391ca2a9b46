import { access, cp, mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import type { ToolRunner } from '../ports.ts';
import type { RenderFailure } from './errors.ts';
import { fetchChart } from './fetch-chart.ts';
import type { RenderLimits } from './render-limits.ts';
import { resolveInside } from './repo-path.ts';

export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  alias?: string;
}

export interface PrepareChartInput {
  repoDir: string;
  /** Absolute chart directory in the checkout. */
  chartDir: string;
  /** Repository-relative chart directory, for errors. */
  chartPath: string;
  dependencies: ChartDependency[];
  tools: ToolRunner;
  cacheDir: string;
  /** A fresh scratch directory owned by this render (removed by the caller). */
  workDir: string;
  limits: RenderLimits;
}

export type PreparedChart =
  | { ok: true; chartDir: string; fetched: 'none' | 'cache' | 'network' }
  | { ok: false; failure: RenderFailure };

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Names under charts/: directories as they are, `<name>-<version>.tgz` archives by prefix. */
async function vendored(chartDir: string): Promise<string[]> {
  return readdir(join(chartDir, 'charts')).catch(() => []);
}

function isVendored(dep: ChartDependency, entries: string[]): boolean {
  return entries.some((e) => e === dep.name || (e.startsWith(`${dep.name}-`) && e.endsWith('.tgz')));
}

/** Versions pinned by Chart.lock (requirements.lock for apiVersion v1 charts), by name. */
async function lockedVersions(chartDir: string, maxAliasCount: number): Promise<Map<string, string>> {
  for (const name of ['Chart.lock', 'requirements.lock']) {
    const text = await readFile(join(chartDir, name), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    let parsed: unknown;
    try {
      parsed = parse(text, { maxAliasCount });
    } catch {
      continue; // helm reads the lock itself and reports what is wrong with it
    }
    const lock = parsed as { dependencies?: Array<{ name: string; version: string }> } | null;
    return new Map((lock?.dependencies ?? []).map((d) => [d.name, d.version]));
  }
  return new Map();
}

/**
 * Makes a chart renderable: vendored subcharts (charts/) need nothing; `file://` dependencies are
 * copied in; http(s)/oci dependencies are downloaded by fetchChart (never by helm: every redirect
 * hop within the render network policy, digests checked, operator credentials) at the version
 * Chart.lock pins, else the highest Chart.yaml's range allows, and cached per chart version, so
 * a second render of a pinned chart makes no network call. The checkout is never written: a
 * chart with missing dependencies is rendered from a copy in `workDir`.
 */
export async function prepareChart(input: PrepareChartInput): Promise<PreparedChart> {
  const entries = await vendored(input.chartDir);
  const missing = input.dependencies.filter((d) => !isVendored(d, entries));
  if (missing.length === 0) return { ok: true, chartDir: input.chartDir, fetched: 'none' };

  const chartDir = join(input.workDir, basename(input.chartDir));
  await cp(input.chartDir, chartDir, { recursive: true });
  await mkdir(join(chartDir, 'charts'), { recursive: true });

  for (const dep of missing.filter((d) => d.repository?.startsWith('file://'))) {
    const src = resolveInside(
      input.repoDir,
      input.chartDir,
      (dep.repository as string).slice('file://'.length),
    );
    if (!src || !(await exists(join(src, 'Chart.yaml')))) {
      return {
        ok: false,
        failure: {
          reason: 'tool-failed',
          file: `${input.chartPath}/Chart.yaml`,
          detail: `dependency ${dep.name}: ${dep.repository} is not a chart inside the repository`,
        },
      };
    }
    await cp(src, join(chartDir, 'charts', dep.name), { recursive: true });
  }

  const remote = missing.filter((d) => !d.repository?.startsWith('file://'));
  if (remote.length === 0) return { ok: true, chartDir, fetched: 'none' };
  const locked = await lockedVersions(input.chartDir, input.limits.maxAliasCount);
  const file = `${input.chartPath}/Chart.yaml`;
  let fetched: 'cache' | 'network' = 'cache';
  for (const dep of remote) {
    if (!dep.repository)
      return {
        ok: false,
        failure: {
          reason: 'tool-failed',
          file,
          detail: `dependency ${dep.name} names no repository and is not vendored in charts/`,
        },
      };
    const version = locked.get(dep.name) ?? dep.version ?? '';
    const got = await fetchChart(
      { name: dep.name, repoURL: dep.repository, version },
      { tools: input.tools, cacheDir: input.cacheDir, limits: input.limits },
    );
    if (!got.ok)
      return {
        ok: false,
        failure: { ...got.failure, file, detail: `dependency ${dep.name}: ${got.failure.detail}` },
      };
    if (got.fetched === 'network') fetched = 'network';
    const into = join(chartDir, 'charts', `${dep.name}-${got.version}`);
    if (!(await exists(into))) await cp(got.chartDir, into, { recursive: true });
  }
  return { ok: true, chartDir, fetched };
}
