import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RemoteChart } from '../app-spec.ts';
import type { ToolRunner } from '../ports.ts';
import type { RenderFailure } from './errors.ts';
import { helmDetail } from './helm-error.ts';
import type { RenderLimits } from './render-limits.ts';
import { toolStopped } from './tool-stopped.ts';

export interface FetchChartDeps {
  tools: ToolRunner;
  cacheDir: string;
  limits: RenderLimits;
}

export type FetchedChart =
  | { ok: true; chartDir: string; fetched: 'cache' | 'network'; cleanup(): Promise<void> }
  | { ok: false; failure: RenderFailure };

const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** How helm is told where the chart is: `--repo URL NAME` for a chart repository, `oci://...` for a registry. */
export function chartReference(
  chart: RemoteChart,
): { ok: true; args: string[]; url: string } | { ok: false; detail: string } {
  if (!CHART_NAME.test(chart.name))
    return {
      ok: false,
      detail: `chart name "${chart.name}" is not a plain chart name (letters, digits, . _ -)`,
    };
  const url = chart.repoURL.trim().replace(/\/+$/, '');
  if (/^https?:\/\//.test(url)) return { ok: true, args: [chart.name, '--repo', url], url };
  // OCI: Argo CD writes registries with or without oci://
  const registry = url.replace(/^oci:\/\//, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(registry) || !/^[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._/-]+)?$/.test(registry))
    return {
      ok: false,
      detail: `repoURL ${chart.repoURL}: only http(s) chart repositories and OCI registries are supported`,
    };
  const ref = `oci://${registry}/${chart.name}`;
  return { ok: true, args: [ref], url: `oci://${registry}` };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The one directory `helm pull --untar` made (the chart's own name, whatever it claims). */
async function untarred(dir: string): Promise<string | undefined> {
  const entries = await readdir(dir, { withFileTypes: true });
  const dirs = entries.filter((e) => e.isDirectory());
  return dirs.length === 1 && dirs[0] ? join(dir, dirs[0].name) : undefined;
}

/**
 * A chart from a Helm chart repository or an OCI registry, pulled with `helm pull --untar`
 * within the render network policy. An exact version is pulled once into
 * `<cacheDir>/helm/charts/<sha256 of repository, name, version>` and reused by every later render;
 * a range (`1.2.*`, `>=1 <2`) is resolved by helm on each render and not cached.
 */
export async function fetchChart(chart: RemoteChart, deps: FetchChartDeps): Promise<FetchedChart> {
  const file = `chart ${chart.name} from ${chart.repoURL}`;
  const ref = chartReference(chart);
  if (!ref.ok) return { ok: false, failure: { reason: 'tool-failed', file, detail: ref.detail } };
  const refused = await deps.tools.refuseDestination?.(ref.url.replace(/^oci:/, 'https:'));
  if (refused)
    return {
      ok: false,
      failure: { reason: 'network-refused', file, detail: `${chart.repoURL}: ${refused}` },
    };
  const exact = EXACT_VERSION.test(chart.version.trim());
  const root = join(deps.cacheDir, 'helm', 'charts');
  const key = createHash('sha256')
    .update(JSON.stringify([ref.url, chart.name, chart.version.trim()]))
    .digest('hex');
  const cached = join(root, key);
  const none = async () => {};
  if (exact && (await exists(cached))) {
    const dir = await untarred(cached);
    if (dir) return { ok: true, chartDir: dir, fetched: 'cache', cleanup: none };
  }
  await mkdir(root, { recursive: true });
  const staging = join(root, `.pull-${randomUUID()}`);
  await mkdir(staging);
  const args = ['pull', ...ref.args, '--untar', '--untardir', staging];
  if (chart.version.trim()) args.push('--version', chart.version.trim());
  const res = await deps.tools.run('helm', args, {
    timeoutMs: deps.limits.toolTimeoutMs,
    maxOutputBytes: deps.limits.maxRenderedBytes,
  });
  const stopped = toolStopped(res, 'helm pull', file);
  const dir = res.code === 0 && !stopped ? await untarred(staging) : undefined;
  if (!dir) {
    await rm(staging, { recursive: true, force: true });
    if (stopped) return { ok: false, failure: stopped };
    const detail =
      res.code === 0 ? 'the chart archive holds no single chart directory' : helmDetail(res.stderr);
    return { ok: false, failure: { reason: 'tool-failed', file, detail: `helm pull: ${detail}` } };
  }
  if (!exact) {
    return {
      ok: true,
      chartDir: dir,
      fetched: 'network',
      cleanup: () => rm(staging, { recursive: true, force: true }),
    };
  }
  await rename(staging, cached).catch(async (cause: unknown) => {
    await rm(staging, { recursive: true, force: true });
    if (!(await exists(cached))) throw cause; // else another render cached the same chart first
  });
  const final = await untarred(cached);
  if (!final)
    return { ok: false, failure: { reason: 'tool-failed', file, detail: 'the cached chart is unreadable' } };
  return { ok: true, chartDir: final, fetched: 'network', cleanup: none };
}
