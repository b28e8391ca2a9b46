import { parse } from 'yaml';
import type { ToolRunner } from '../ports.ts';
import { type ChartLocation, downloadFailure, type Located } from './chart-location.ts';
import { pickChartVersion } from './chart-version.ts';
import type { RenderLimits } from './render-limits.ts';

interface IndexEntry {
  version?: unknown;
  urls?: unknown;
  digest?: unknown;
}

/**
 * A chart version in a Helm chart repository: `<repoURL>/index.yaml` downloaded (within the
 * render network policy and the chart size limit), the version picked by pickChartVersion, its
 * first URL resolved against the repository (index URLs may be relative) and its `digest`.
 */
export async function locateRepoChart(
  input: { repoURL: string; name: string; version: string; file: string },
  deps: { tools: Required<Pick<ToolRunner, 'download'>>; limits: RenderLimits },
): Promise<Located> {
  const { file } = input;
  const base = `${input.repoURL.replace(/\/+$/, '')}/`;
  const res = await deps.tools.download(`${base}index.yaml`, {
    maxBytes: deps.limits.maxChartBytes,
    timeoutMs: deps.limits.toolTimeoutMs,
  });
  if (!res.ok) return { ok: false, failure: downloadFailure(file, res) };
  let index: { entries?: Record<string, IndexEntry[] | undefined> } | null;
  try {
    index = parse(res.body.toString('utf8'), { maxAliasCount: deps.limits.maxAliasCount });
  } catch (cause) {
    return {
      ok: false,
      failure: {
        reason: 'chart-fetch-failed',
        file,
        detail: `${base}index.yaml is not a chart repository index: ${(cause as Error).message.split('\n')[0]}`,
      },
    };
  }
  const entries = index?.entries?.[input.name];
  if (!Array.isArray(entries) || entries.length === 0)
    return {
      ok: false,
      failure: { reason: 'chart-fetch-failed', file, detail: `${base}index.yaml has no chart ${input.name}` },
    };
  const offered = entries.map((e) => String(e?.version ?? ''));
  const version = pickChartVersion(offered, input.version);
  const entry = entries[offered.indexOf(version ?? '\0')];
  if (version === undefined || !entry)
    return {
      ok: false,
      failure: {
        reason: 'chart-fetch-failed',
        file,
        detail: `no version of ${input.name} in ${base}index.yaml matches "${input.version}" (newest offered: ${offered.slice(0, 5).join(', ')})`,
      },
    };
  const first = Array.isArray(entry.urls) ? entry.urls[0] : undefined;
  let archiveUrl: string;
  try {
    archiveUrl = new URL(String(first ?? ''), base).toString();
  } catch {
    archiveUrl = '';
  }
  if (typeof first !== 'string' || !archiveUrl)
    return {
      ok: false,
      failure: {
        reason: 'chart-fetch-failed',
        file,
        detail: `${input.name} ${version} has no archive URL in the index`,
      },
    };
  const location: ChartLocation = { version, archiveUrl };
  if (typeof entry.digest === 'string' && entry.digest) {
    const hex = entry.digest.replace(/^sha256:/, '').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hex))
      return {
        ok: false,
        failure: {
          reason: 'chart-fetch-failed',
          file,
          detail: `${input.name} ${version}: digest "${entry.digest}" in the index is not a sha256`,
        },
      };
    location.sha256 = hex;
  }
  return { ok: true, location };
}
