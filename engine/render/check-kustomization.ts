import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
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
export async function checkKustomization(input: CheckKustomizationInput): Promise<RenderFailure | undefined> {
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
    for (const url of refs.remotes) {
      const why = await input.tools.refuseDestination?.(
        /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url.replace(/^git@([^:]+):/, '$1/')}`,
      );
      if (why) return { reason: 'network-refused', file: read.file, detail: `${url}: ${why}` };
    }
  }
  return undefined;
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
