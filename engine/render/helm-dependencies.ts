import { createHash } from 'node:crypto';
import { access, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { ToolRunner } from '../ports.ts';
import type { RenderFailure } from './errors.ts';
import { helmDetail } from './helm-error.ts';
import type { RenderLimits } from './render-limits.ts';
import { resolveInside } from './repo-path.ts';
import { toolStopped } from './tool-stopped.ts';

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
 * copied in; http(s)/oci dependencies are fetched once with `helm dependency update` into
 * `<cacheDir>/helm/dependencies/<sha256 of the pinned list>/` (versions pinned by Chart.lock when
 * present), so a second render makes no network call. The checkout is never written: a chart
 * with missing dependencies is rendered from a copy in `workDir`.
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
  const refused = await refusedRepository(input, remote);
  if (refused) return { ok: false, failure: refused };
  const locked = await lockedVersions(input.chartDir, input.limits.maxAliasCount);
  const pinned = remote.map((d) => ({
    name: d.name,
    version: locked.get(d.name) ?? d.version,
    repository: d.repository,
  }));
  const key = createHash('sha256').update(JSON.stringify(pinned)).digest('hex');
  const cached = join(input.cacheDir, 'helm', 'dependencies', key);
  let fetched: 'cache' | 'network' = 'cache';
  if (!(await exists(cached))) {
    const fetchedDir = await fetchDependencies(input, pinned, cached);
    if (!fetchedDir.ok) return fetchedDir;
    fetched = 'network';
  }
  for (const file of await readdir(cached)) await cp(join(cached, file), join(chartDir, 'charts', file));
  return { ok: true, chartDir, fetched };
}

/**
 * The first remote dependency whose repository the render network policy refuses. The tool
 * runner's proxy enforces the policy on every connection helm makes; this check runs first so
 * the error names Chart.yaml, and because Go's HTTP client never sends loopback destinations
 * (`localhost`, 127.0.0.1, ::1) through a proxy.
 */
async function refusedRepository(
  input: PrepareChartInput,
  remote: ChartDependency[],
): Promise<RenderFailure | undefined> {
  if (!input.tools.refuseDestination) return undefined;
  for (const dep of remote) {
    if (!dep.repository) continue;
    const why = await input.tools.refuseDestination(dep.repository);
    if (why) {
      return {
        reason: 'network-refused',
        file: `${input.chartPath}/Chart.yaml`,
        detail: `dependency ${dep.name}: repository ${dep.repository}: ${why}`,
      };
    }
  }
  return undefined;
}

/** `helm dependency update` in a throwaway chart that declares only the pinned dependencies. */
async function fetchDependencies(
  input: PrepareChartInput,
  pinned: ChartDependency[],
  cached: string,
): Promise<{ ok: true } | { ok: false; failure: RenderFailure }> {
  const staging = join(input.cacheDir, 'helm', 'dependencies');
  await mkdir(staging, { recursive: true });
  const dir = await mkdtemp(join(staging, '.fetch-'));
  try {
    const chart = { apiVersion: 'v2', name: 'syncwave-dependencies', version: '0.0.0', dependencies: pinned };
    await writeFile(join(dir, 'Chart.yaml'), stringify(chart));
    const res = await input.tools.run('helm', ['dependency', 'update', dir], {
      timeoutMs: input.limits.toolTimeoutMs,
      maxOutputBytes: input.limits.maxRenderedBytes,
    });
    const stopped = toolStopped(res, 'helm dependency update', `${input.chartPath}/Chart.yaml`);
    if (stopped) return { ok: false, failure: stopped };
    if (res.code !== 0) {
      return {
        ok: false,
        failure: {
          reason: 'tool-failed',
          file: `${input.chartPath}/Chart.yaml`,
          detail: `helm dependency update: ${dependencyUpdateDetail(res).replaceAll(dir, input.chartPath)}`,
        },
      };
    }
    await rename(join(dir, 'charts'), cached).catch(async (cause: unknown) => {
      if (!(await exists(cached))) throw cause; // else another render cached the same set first
    });
    return { ok: true };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Helm prints why a repository failed on stdout ("Unable to get an update ...") and a vaguer error on stderr. */
function dependencyUpdateDetail(res: { stdout: string; stderr: string }): string {
  const lines = res.stdout.split('\n');
  const at = lines.findIndex((l) => l.includes('Unable to get an update'));
  const why = at < 0 ? [] : lines.slice(at, at + 2).map((l) => l.trim().replace(/^\.\.\./, ''));
  return [...why, helmDetail(res.stderr)].filter(Boolean).join(' ');
}
