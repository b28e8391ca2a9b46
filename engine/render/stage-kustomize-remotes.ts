import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { isScalar, isSeq, parseDocument } from 'yaml';
import type { ToolRunner } from '../ports.ts';
import { downloadFailure } from './chart-location.ts';
import type { KustomizeRemoteChart, KustomizeRemoteFile, KustomizeRemotes } from './check-kustomization.ts';
import type { RenderFailure } from './errors.ts';
import { fetchChart } from './fetch-chart.ts';
import { mirrorTree } from './mirror-tree.ts';
import type { RenderLimits } from './render-limits.ts';

export type StagedRemotes =
  | { ok: true; repoDir: string; appDir: string; cleanup(): Promise<void> }
  | { ok: false; failure: RenderFailure };

export interface StageKustomizeRemotesInput {
  repoDir: string;
  appDir: string;
  remotes: KustomizeRemotes;
  tools: ToolRunner;
  cacheDir: string;
  limits: RenderLimits;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Directory (in every kustomization's own directory) that downloaded resources are written to. */
const REMOTE_DIR = '.syncwave-remote';

/**
 * What kustomize would fetch itself is fetched by syncwave first, in a hard-linked mirror of the
 * checkout, so that kustomize and helm make no network request: `helmCharts` with a `repo` by
 * fetchChart (every redirect hop within the render network policy, digests, size limit,
 * operator credentials, the chart cache), put where kustomize looks before it would run
 * `helm pull` (`<chartHome>/<name>-<version>/<name>`); http(s) `resources` by the runner's
 * download (same hop checks, the repository file size limit), written under
 * `.syncwave-remote/` beside the kustomization, which the mirror's copy then names instead of
 * the URL. Charts already vendored are left alone; with nothing to fetch the checkout is used
 * as it is.
 */
export async function stageKustomizeRemotes(input: StageKustomizeRemotesInput): Promise<StagedRemotes> {
  const charts: KustomizeRemoteChart[] = [];
  for (const chart of input.remotes.charts) if (!(await exists(chart.chartDir))) charts.push(chart);
  const { files } = input.remotes;
  if (charts.length === 0 && files.length === 0)
    return { ok: true, repoDir: input.repoDir, appDir: input.appDir, cleanup: async () => {} };
  const root = join(input.cacheDir, 'kustomize-remotes');
  await mkdir(root, { recursive: true });
  const scratch = await mkdtemp(join(root, 'mirror-'));
  const cleanup = () => rm(scratch, { recursive: true, force: true });
  const mirror = join(scratch, 'repo');
  const inMirror = (abs: string) => join(mirror, relative(input.repoDir, abs));
  try {
    await mirrorTree(input.repoDir, mirror);
    for (const chart of charts) {
      const failure = await stageChart(chart, inMirror(chart.chartDir), input);
      if (failure) {
        await cleanup();
        return { ok: false, failure };
      }
    }
    const failure = await stageFiles(files, inMirror, input);
    if (failure) {
      await cleanup();
      return { ok: false, failure };
    }
  } catch (cause) {
    await cleanup();
    throw cause;
  }
  return { ok: true, repoDir: mirror, appDir: inMirror(input.appDir), cleanup };
}

async function stageChart(
  chart: KustomizeRemoteChart,
  target: string,
  input: StageKustomizeRemotesInput,
): Promise<RenderFailure | undefined> {
  const got = await fetchChart(
    { name: chart.name, repoURL: chart.repo, version: chart.version },
    { tools: input.tools, cacheDir: input.cacheDir, limits: input.limits },
  );
  if (!got.ok)
    return { ...got.failure, file: chart.file, detail: `helmCharts ${chart.name}: ${got.failure.detail}` };
  await mkdir(dirname(target), { recursive: true });
  if (!(await exists(target))) await cp(got.chartDir, target, { recursive: true });
  return undefined;
}

/** Downloads the remote resources and rewrites each kustomization (in the mirror) to name the local copies. */
async function stageFiles(
  files: KustomizeRemoteFile[],
  inMirror: (abs: string) => string,
  input: StageKustomizeRemotesInput,
): Promise<RenderFailure | undefined> {
  const byKustomization = new Map<string, KustomizeRemoteFile[]>();
  for (const f of files)
    byKustomization.set(f.kustomization, [...(byKustomization.get(f.kustomization) ?? []), f]);
  for (const [kustomization, entries] of byKustomization) {
    const local = new Map<string, string>();
    const dir = join(dirname(inMirror(kustomization)), REMOTE_DIR);
    await mkdir(dir, { recursive: true });
    for (const { url, file } of entries) {
      if (local.has(url)) continue;
      const res = await input.tools.download?.(url, {
        maxBytes: input.limits.maxFileBytes,
        timeoutMs: input.limits.toolTimeoutMs,
      });
      if (!res) return { reason: 'tool-failed', file, detail: `${url}: this tool runner cannot download` };
      if (!res.ok) return { ...downloadFailure(file, res), detail: `resource ${res.detail}` };
      const name = `${createHash('sha256').update(url).digest('hex').slice(0, 16)}-${basename(new URL(url).pathname) || 'resource'}.yaml`;
      await writeFile(join(dir, name), res.body);
      local.set(url, `${REMOTE_DIR}/${name}`);
    }
    const target = inMirror(kustomization);
    const doc = parseDocument(await readFile(target, 'utf8'));
    const resources = doc.get('resources', true);
    if (isSeq(resources))
      for (const item of resources.items)
        if (isScalar(item) && typeof item.value === 'string' && local.has(item.value))
          item.value = local.get(item.value);
    // The mirror's file is the checkout's (a hard link): replace it, never write it in place.
    await unlink(target);
    await writeFile(target, doc.toString());
  }
  return undefined;
}
