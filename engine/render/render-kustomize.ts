import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { KustomizeSource } from '../app-spec.ts';
import type { ToolRunner } from '../ports.ts';
import { checkKustomization, type KustomizeRemotes } from './check-kustomization.ts';
import { findKustomization } from './detect-source-type.ts';
import type { Rendered } from './errors.ts';
import { parseManifests } from './parse-manifests.ts';
import type { RenderLimits } from './render-limits.ts';
import { repoRelative, scrubPaths } from './repo-path.ts';
import { stageKustomizeEdits } from './stage-kustomize-edits.ts';
import { stageKustomizeRemotes } from './stage-kustomize-remotes.ts';
import { toolStopped } from './tool-stopped.ts';

export interface RenderKustomizeInput {
  repoDir: string;
  appDir: string;
  tools: ToolRunner;
  limits: RenderLimits;
  /** Where remote helmCharts and resources are fetched to (stageKustomizeRemotes); without it they fail. */
  cacheDir?: string;
  /** Argo CD's spec.source.kustomize: applied to a mirror of the checkout (stageKustomizeEdits), then built there. */
  edits?: { kustomize: KustomizeSource; vars: Readonly<Record<string, string>>; scratchDir: string };
}

/** Whether a kustomization inflates Helm charts (needs `--enable-helm`). */
async function usesHelm(file: string, maxAliasCount: number): Promise<boolean> {
  try {
    const k = parse(await readFile(file, 'utf8'), { maxAliasCount }) as { helmCharts?: unknown } | null;
    return Array.isArray(k?.helmCharts) && k.helmCharts.length > 0;
  } catch {
    return false; // kustomize reports the syntax error itself, with its own words
  }
}

/**
 * `kubectl kustomize <dir>` (with `--enable-helm` when the kustomization has helmCharts; the
 * runner puts our helm first on PATH). Charts from a `repo` and http(s) resources are
 * downloaded by syncwave first (stageKustomizeRemotes), so neither kustomize nor helm fetches
 * anything. Remote git bases need git and are not supported.
 * Local references are checked to stay in the checkout first (checkKustomization).
 */
export async function renderKustomize(given: RenderKustomizeInput): Promise<Rendered> {
  if (!given.edits) return build(given);
  const staged = await stageKustomizeEdits({
    repoDir: given.repoDir,
    appDir: given.appDir,
    edits: given.edits.kustomize,
    vars: given.edits.vars,
    scratchDir: given.edits.scratchDir,
    limits: given.limits,
  });
  if (!staged.ok) return staged;
  try {
    // Messages name repository-relative paths, the same in the mirror as in the checkout.
    return await build({ ...given, repoDir: staged.repoDir, appDir: staged.appDir });
  } finally {
    await staged.cleanup();
  }
}

/** Checks the kustomization's references stay in the checkout, then builds it. */
async function build(input: RenderKustomizeInput): Promise<Rendered> {
  const { limits } = input;
  const kustomization = await findKustomization(input.appDir);
  const file = repoRelative(input.repoDir, kustomization ?? input.appDir);
  const remotes: KustomizeRemotes = { charts: [], files: [] };
  const checked = await checkKustomization(input, remotes);
  if (checked) return { ok: false, failure: checked };
  const staged =
    remotes.charts.length || remotes.files.length
      ? input.cacheDir
        ? await stageKustomizeRemotes({ ...input, cacheDir: input.cacheDir, remotes })
        : ({
            ok: false,
            failure: {
              reason: 'tool-failed',
              file,
              detail: 'remote charts and resources need a cache directory',
            },
          } as const)
      : undefined;
  if (staged && !staged.ok) return staged;
  const args = ['kustomize', staged?.appDir ?? input.appDir];
  if (kustomization && (await usesHelm(kustomization, limits.maxAliasCount))) args.push('--enable-helm');
  const res = await input.tools
    .run('kubectl', args, {
      cwd: staged?.repoDir ?? input.repoDir,
      timeoutMs: limits.toolTimeoutMs,
      maxOutputBytes: limits.maxRenderedBytes,
    })
    .finally(() => staged?.cleanup());
  const stopped = toolStopped(res, 'kubectl kustomize', file);
  if (stopped) return { ok: false, failure: stopped };
  if (res.code !== 0) {
    const detail = scrubPaths(res.stderr.trim(), [
      [staged?.repoDir ?? input.repoDir, '.'],
      [input.repoDir, '.'],
    ]).replace(/^error: /, '');
    return { ok: false, failure: { reason: 'tool-failed', file, detail: `kubectl kustomize: ${detail}` } };
  }
  return parseManifests(res.stdout, {
    file,
    maxAliasCount: limits.maxAliasCount,
    maxObjects: limits.maxObjects,
  });
}
