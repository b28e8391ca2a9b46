import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { ToolRunner } from '../ports.ts';
import { findKustomization } from './detect-source-type.ts';
import type { RenderFailure } from './errors.ts';
import { readRepoFile } from './read-repo-file.ts';
import type { RenderLimits } from './render-limits.ts';
import { resolveInside } from './repo-path.ts';

export interface CheckKustomizationInput {
  repoDir: string;
  appDir: string;
  tools: ToolRunner;
  limits: RenderLimits;
}

/** What kustomize would fetch itself; syncwave fetches it first (stageKustomizeRemotes). */
export interface KustomizeRemotes {
  charts: KustomizeRemoteChart[];
  files: KustomizeRemoteFile[];
}

/** An http(s) URL in a kustomization's `resources` that kustomize would GET. */
export interface KustomizeRemoteFile {
  /** Repository-relative kustomization file that names it. */
  file: string;
  /** Absolute path of that kustomization. */
  kustomization: string;
  url: string;
}

/** A `helmCharts` entry with a `repo`: kustomize would have helm pull it unless it is in the chart home. */
export interface KustomizeRemoteChart {
  /** Repository-relative kustomization file that names it. */
  file: string;
  name: string;
  repo: string;
  version: string;
  /** Absolute directory kustomize looks in first: `<chartHome>/<name>-<version>/<name>` (or `<chartHome>/<name>` without a version). */
  chartDir: string;
}

/** Remote references as kustomize reads them: URLs, `github.com/...` and scp-like git addresses. */
const REMOTE = /^([a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/i;

type Kustomization = Record<string, unknown>;

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function field(v: unknown, key: string): string[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((x) =>
    x && typeof x === 'object' && typeof (x as Kustomization)[key] === 'string'
      ? [(x as Kustomization)[key] as string]
      : [],
  );
}

/** Every path or URL a kustomization names: resources, bases, components, patches, generators' files, charts. */
function references(k: Kustomization): { paths: string[]; remotes: string[] } {
  const generatorFiles = (v: unknown) =>
    Array.isArray(v)
      ? v.flatMap((g) => strings((g as Kustomization)?.files).map((f) => f.replace(/^[^=]*=/, '')))
      : [];
  const all = [
    ...strings(k.resources),
    ...strings(k.bases),
    ...strings(k.components),
    ...strings(k.crds),
    ...strings(k.patchesStrategicMerge).filter((p) => !p.includes('\n')),
    ...field(k.patches, 'path'),
    ...field(k.patchesJson6902, 'path'),
    ...field(k.helmCharts, 'valuesFile'),
    ...strings([(k.helmGlobals as Kustomization | undefined)?.chartHome]),
    ...generatorFiles(k.configMapGenerator),
    ...generatorFiles(k.secretGenerator),
  ];
  const chartRepos = field(k.helmCharts, 'repo');
  return {
    paths: all.filter((p) => !REMOTE.test(p)),
    remotes: [...all.filter((p) => REMOTE.test(p)), ...chartRepos],
  };
}

/**
 * Reads the app's kustomization and every local kustomization it reaches, before kustomize
 * runs: a local path that leaves the checkout (`../../etc`) fails naming the kustomization, and
 * so does a remote reference the render network policy refuses (Go's HTTP client would send a
 * loopback URL past the runner's proxy). Remote git bases also need git, which renderers do not
 * get; kustomize itself then fails on them with its own words.
 */
export async function checkKustomization(
  input: CheckKustomizationInput,
  /** Filled with the remote helmCharts and remote resource files of every kustomization reached. */
  remotes: KustomizeRemotes = { charts: [], files: [] },
): Promise<RenderFailure | undefined> {
  const seen = new Set<string>();
  const queue = [input.appDir];
  while (queue.length) {
    const dir = queue.shift() as string;
    if (seen.has(dir)) continue;
    seen.add(dir);
    const path = await findKustomization(dir);
    if (!path) continue;
    const read = await readRepoFile(input.repoDir, path, { maxBytes: input.limits.maxFileBytes });
    if (!read.ok) return read.failure;
    let k: unknown;
    try {
      k = parse(read.text, { maxAliasCount: input.limits.maxAliasCount });
    } catch {
      continue; // kustomize reports the YAML error in its own words
    }
    if (!k || typeof k !== 'object') continue;
    const refs = references(k as Kustomization);
    for (const rel of refs.paths) {
      const abs = resolveInside(input.repoDir, dirname(path), rel);
      if (!abs) {
        return { reason: 'path-outside-repo', file: read.file, detail: `${rel} is outside the repository` };
      }
      if (await isDir(abs)) queue.push(abs);
    }
    remotes.charts.push(...helmChartsOf(k as Kustomization, dirname(path), read.file));
    for (const url of strings((k as Kustomization).resources).filter(isRemoteFile))
      remotes.files.push({ file: read.file, kustomization: path, url });
    for (const url of refs.remotes) {
      const why = await input.tools.refuseDestination?.(
        /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url.replace(/^git@([^:]+):/, '$1/')}`,
      );
      if (why) return { reason: 'network-refused', file: read.file, detail: `${url}: ${why}` };
    }
  }
  return undefined;
}

/**
 * A resource kustomize would fetch over HTTP: an http(s) URL that is not a git repository
 * (kustomize tries those with git, which renderers do not have: github.com, gitlab.com,
 * bitbucket.org, `.git`, `_git/`, `?ref=`, `//` subdirectories).
 */
function isRemoteFile(ref: string): boolean {
  let url: URL;
  try {
    url = new URL(ref);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (/^(www\.)?(github\.com|gitlab\.com|bitbucket\.org)$/i.test(url.hostname)) return false;
  return !/\.git(\/|$)|\/_git\/|\/\//.test(url.pathname) && !url.searchParams.has('ref');
}

/** The helmCharts with a repo, where kustomize (v5) looks for each before it runs `helm pull`. */
function helmChartsOf(k: Kustomization, dir: string, file: string): KustomizeRemoteChart[] {
  if (!Array.isArray(k.helmCharts)) return [];
  const home = (k.helmGlobals as Kustomization | undefined)?.chartHome;
  const chartHome = join(dir, typeof home === 'string' && home ? home : 'charts');
  return k.helmCharts.flatMap((c: unknown) => {
    const chart = c as Kustomization | null;
    if (typeof chart?.name !== 'string' || typeof chart.repo !== 'string' || !chart.repo) return [];
    const version = typeof chart.version === 'string' ? chart.version : '';
    const chartDir = version
      ? join(chartHome, `${chart.name}-${version}`, chart.name)
      : join(chartHome, chart.name);
    return [{ file, name: chart.name, repo: chart.repo, version, chartDir }];
  });
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
