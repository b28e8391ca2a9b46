import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RemoteChart } from '../app-spec.ts';
import type { ToolRunner } from '../ports.ts';
import { redactUrl } from '../redact-url.ts';
import { downloadFailure, type Located } from './chart-location.ts';
import { isExactVersion, isVersionConstraint } from './chart-version.ts';
import type { RenderFailure } from './errors.ts';
import { locateRepoChart } from './helm-repo-chart.ts';
import { locateOciChart } from './oci-chart.ts';
import { formatBytes, type RenderLimits } from './render-limits.ts';
import { unpackChart } from './unpack-chart.ts';

export interface FetchChartDeps {
  tools: ToolRunner;
  cacheDir: string;
  limits: RenderLimits;
}

export type FetchedChart =
  | { ok: true; chartDir: string; version: string; fetched: 'cache' | 'network'; cleanup(): Promise<void> }
  | { ok: false; failure: RenderFailure };

const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export type ChartReference =
  | { ok: true; kind: 'repo'; url: string }
  | { ok: true; kind: 'oci'; url: string; registry: string }
  | { ok: false; detail: string };

/** Where a chart lives: an http(s) chart repository, or an OCI registry (`oci://` or, as Argo CD writes it, no scheme). */
export function chartReference(chart: RemoteChart): ChartReference {
  if (!CHART_NAME.test(chart.name))
    return {
      ok: false,
      detail: `chart name "${chart.name}" is not a plain chart name (letters, digits, . _ -)`,
    };
  const url = chart.repoURL.trim().replace(/\/+$/, '');
  const unsupported = {
    ok: false as const,
    detail: `repoURL ${redactUrl(chart.repoURL)}: only http(s) chart repositories and OCI registries are supported`,
  };
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^(https?|oci):\/\//.test(url)) return unsupported;
  if (redactUrl(url) !== url)
    return {
      ok: false,
      detail: `repoURL ${redactUrl(url)}: credentials in a repoURL are not used; the operator configures them (SYNCWAVE_CHART_CREDENTIALS)`,
    };
  if (/^https?:\/\//.test(url)) return { ok: true, kind: 'repo', url };
  const registry = url.replace(/^oci:\/\//, '');
  if (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(registry) ||
    !/^[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._/-]+)?$/.test(registry)
  )
    return unsupported;
  return { ok: true, kind: 'oci', url: `oci://${registry}`, registry };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The one directory an archive unpacked into (the chart's own name, whatever it claims). */
async function onlyDirectory(dir: string): Promise<string | undefined> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((e) => e.isDirectory());
  return entries.length === 1 && dirs[0] ? join(dir, dirs[0].name) : undefined;
}

/**
 * A chart from a Helm chart repository or an OCI registry, downloaded by syncwave itself
 * (the runner's `download`: every redirect hop checked against the render network policy,
 * operator credentials) and never by helm: the version is picked (exact, or the highest a
 * range allows, from index.yaml or the registry's tags), the archive is refused past
 * `maxChartBytes` or when its sha256 differs from the index's digest or the manifest's layer
 * digest, and it is unpacked (files and directories only) into
 * `<cacheDir>/helm/charts/<sha256 of repository, name, version>/`, where every later render of
 * that version finds it: an exact version then makes no request at all, a range only the one
 * that resolves it. Concurrent calls for the same chart and version share one fetch.
 */
export function fetchChart(chart: RemoteChart, deps: FetchChartDeps): Promise<FetchedChart> {
  // Apps of a job render at once: renders asking for the same chart at the same time share one fetch.
  const key = JSON.stringify([deps.cacheDir, chart.repoURL.trim(), chart.name, chart.version.trim()]);
  const running = inFlight.get(key);
  if (running) return running;
  const fetching = fetchChartOnce(chart, deps).finally(() => inFlight.delete(key));
  inFlight.set(key, fetching);
  return fetching;
}

const inFlight = new Map<string, Promise<FetchedChart>>();

async function fetchChartOnce(chart: RemoteChart, deps: FetchChartDeps): Promise<FetchedChart> {
  const ref = chartReference(chart);
  const file = `chart ${chart.name} from ${redactUrl(chart.repoURL)}`;
  const fail = (failure: RenderFailure): FetchedChart => ({ ok: false, failure });
  if (!ref.ok) return fail({ reason: 'chart-fetch-failed', file, detail: ref.detail });
  const wanted = chart.version.trim();
  if (!isVersionConstraint(wanted))
    return fail({
      reason: 'chart-fetch-failed',
      file,
      detail: `version "${chart.version}" is neither a semver version nor a range`,
    });
  const download = deps.tools.download?.bind(deps.tools);
  if (!download)
    return fail({ reason: 'chart-fetch-failed', file, detail: 'this tool runner cannot download charts' });
  const root = join(deps.cacheDir, 'helm', 'charts');
  const cachedDir = (version: string) =>
    join(
      root,
      createHash('sha256')
        .update(JSON.stringify([ref.url, chart.name, version]))
        .digest('hex'),
    );
  const hit = async (version: string): Promise<FetchedChart | undefined> => {
    const dir = await onlyDirectory(cachedDir(version));
    return dir ? { ok: true, chartDir: dir, version, fetched: 'cache', cleanup: async () => {} } : undefined;
  };
  if (isExactVersion(wanted)) {
    const cached = await hit(wanted);
    if (cached) return cached;
  }

  const tools = { download };
  const input = { name: chart.name, version: wanted, file };
  const located: Located =
    ref.kind === 'repo'
      ? await locateRepoChart({ ...input, repoURL: ref.url }, { tools, limits: deps.limits })
      : await locateOciChart({ ...input, registry: ref.registry }, { tools, limits: deps.limits });
  if (!located.ok) return fail(located.failure);
  const { location } = located;
  const key = isExactVersion(wanted) ? wanted : location.version;
  const cached = await hit(key);
  if (cached) return cached;

  const what = `${chart.name} ${location.version}`;
  if (location.size !== undefined && location.size > deps.limits.maxChartBytes)
    return fail({
      reason: 'limit-exceeded',
      file,
      detail: `${what}: the archive is ${formatBytes(location.size)}, more than the ${formatBytes(deps.limits.maxChartBytes)} chart limit`,
    });
  const res = await download(location.archiveUrl, {
    maxBytes: deps.limits.maxChartBytes,
    timeoutMs: deps.limits.toolTimeoutMs,
  });
  if (!res.ok) return fail(downloadFailure(file, res));
  if (location.sha256) {
    const actual = createHash('sha256').update(res.body).digest('hex');
    if (actual !== location.sha256)
      return fail({
        reason: 'chart-fetch-failed',
        file,
        detail: `${what}: the archive's sha256 is ${actual}, not the ${location.sha256} its ${ref.kind === 'repo' ? 'index.yaml' : 'manifest'} names`,
      });
  }

  await mkdir(root, { recursive: true });
  const staging = join(root, `.fetch-${randomUUID()}`);
  await mkdir(staging);
  const refused = await unpackChart(res.body, staging, { maxBytes: deps.limits.maxRenderedBytes });
  if (refused || !(await onlyDirectory(staging))) {
    await rm(staging, { recursive: true, force: true });
    return fail({
      reason: 'chart-fetch-failed',
      file,
      detail: `${what}: the archive ${refused ?? 'holds no single chart directory'}`,
    });
  }
  const target = cachedDir(key);
  await rename(staging, target).catch(async (cause: unknown) => {
    await rm(staging, { recursive: true, force: true });
    if (!(await exists(target))) throw cause; // else another render cached the same chart first
  });
  const dir = await onlyDirectory(target);
  if (!dir)
    return fail({ reason: 'chart-fetch-failed', file, detail: `${what}: the cached chart is unreadable` });
  return { ok: true, chartDir: dir, version: location.version, fetched: 'network', cleanup: async () => {} };
}
