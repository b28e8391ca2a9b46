import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { ToolRunner } from '../ports.ts';
import { findKustomization } from './detect-source-type.ts';
import type { Rendered } from './errors.ts';
import { parseManifests } from './parse-manifests.ts';
import { repoRelative, scrubPaths } from './repo-path.ts';

export interface RenderKustomizeInput {
  repoDir: string;
  appDir: string;
  tools: ToolRunner;
}

/** Whether a kustomization inflates Helm charts (needs `--enable-helm`). */
async function usesHelm(file: string): Promise<boolean> {
  try {
    const k = parse(await readFile(file, 'utf8')) as { helmCharts?: unknown } | null;
    return Array.isArray(k?.helmCharts) && k.helmCharts.length > 0;
  } catch {
    return false; // kustomize reports the syntax error itself, with its own words
  }
}

/**
 * `kubectl kustomize <dir>` (with `--enable-helm` when the kustomization has helmCharts; the
 * runner puts our helm first on PATH). Remote bases need git and are not supported.
 */
export async function renderKustomize(input: RenderKustomizeInput): Promise<Rendered> {
  const kustomization = await findKustomization(input.appDir);
  const file = repoRelative(input.repoDir, kustomization ?? input.appDir);
  const args = ['kustomize', input.appDir];
  if (kustomization && (await usesHelm(kustomization))) args.push('--enable-helm');
  const res = await input.tools.run('kubectl', args, { cwd: input.repoDir });
  if (res.code !== 0) {
    const detail = scrubPaths(res.stderr.trim(), [[input.repoDir, '.']]).replace(/^error: /, '');
    return { ok: false, failure: { reason: 'tool-failed', file, detail: `kubectl kustomize: ${detail}` } };
  }
  return parseManifests(res.stdout, { file });
}
