import { mkdir, mkdtemp, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import type { KustomizeSource } from '../app-spec.ts';
import { findKustomization } from './detect-source-type.ts';
import type { RenderFailure } from './errors.ts';
import { editKustomization } from './kustomize-edits.ts';
import { mirrorTree } from './mirror-tree.ts';
import { readRepoFile } from './read-repo-file.ts';
import type { RenderLimits } from './render-limits.ts';
import { repoRelative, resolveInside } from './repo-path.ts';

export interface StageKustomizeEditsInput {
  repoDir: string;
  appDir: string;
  edits: KustomizeSource;
  /** `ARGOCD_APP_*` values for `${...}` in images, labels and annotations. */
  vars: Readonly<Record<string, string>>;
  /** Writable scratch directory outside the checkout. */
  scratchDir: string;
  limits: RenderLimits;
}

export type StagedKustomize =
  | { ok: true; repoDir: string; appDir: string; cleanup(): Promise<void> }
  | { ok: false; failure: RenderFailure };

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The components to add: each inside the repository; a missing one fails unless ignoreMissingComponents. */
async function checkComponents(
  input: StageKustomizeEditsInput,
  file: string,
): Promise<{ ok: true; components: string[] } | { ok: false; failure: RenderFailure }> {
  const components: string[] = [];
  for (const c of input.edits.components) {
    const abs = resolveInside(input.repoDir, input.appDir, c);
    if (!abs)
      return {
        ok: false,
        failure: {
          reason: 'path-outside-repo',
          file,
          detail: `spec.source.kustomize.components: ${c} is outside the repository`,
        },
      };
    if (await exists(abs)) components.push(c);
    else if (!input.edits.ignoreMissingComponents)
      return {
        ok: false,
        failure: {
          reason: 'app-path-missing',
          file,
          detail: `spec.source.kustomize.components: ${c} does not exist (set ignoreMissingComponents: true to leave it out)`,
        },
      };
  }
  return { ok: true, components };
}

/**
 * Argo CD edits the app's kustomization in its checkout (`kustomize edit`) before building it.
 * The checkout here is shared and read by other renders, so the edits go to a mirror of it
 * (hard links, mirrorTree) in the scratch directory, where only the kustomization file is
 * replaced; the app is then built from the mirror, at the same relative path, so `../base` and
 * every other reference resolve as they would in place. Component paths must stay inside the
 * repository; the caller checks the edited kustomization's references (checkKustomization) in
 * the mirror before kustomize runs.
 */
export async function stageKustomizeEdits(input: StageKustomizeEditsInput): Promise<StagedKustomize> {
  const path = await findKustomization(input.appDir);
  const appPath = repoRelative(input.repoDir, input.appDir);
  if (!path)
    return {
      ok: false,
      failure: {
        reason: 'app-path-missing',
        file: appPath,
        detail: `spec.source.kustomize is set but ${appPath} has no kustomization.yaml`,
      },
    };
  const read = await readRepoFile(input.repoDir, path, { maxBytes: input.limits.maxFileBytes });
  if (!read.ok) return read;
  let original: unknown;
  try {
    original = parse(read.text, { maxAliasCount: input.limits.maxAliasCount });
  } catch (error) {
    return {
      ok: false,
      failure: { reason: 'yaml-syntax', file: read.file, detail: (error as Error).message },
    };
  }
  if (!original || typeof original !== 'object' || Array.isArray(original))
    return {
      ok: false,
      failure: { reason: 'invalid-manifest', file: read.file, detail: 'the kustomization is not a mapping' },
    };
  const checked = await checkComponents(input, read.file);
  if (!checked.ok) return checked;
  const edited = editKustomization(original as Record<string, unknown>, input.edits, {
    vars: input.vars,
    components: checked.components,
  });
  if (!edited.ok)
    return { ok: false, failure: { reason: 'invalid-manifest', file: read.file, detail: edited.detail } };
  await mkdir(input.scratchDir, { recursive: true });
  const work = await mkdtemp(join(input.scratchDir, 'kustomize-edit-'));
  const cleanup = () => rm(work, { recursive: true, force: true });
  try {
    const repoDir = join(work, 'repo');
    await mirrorTree(input.repoDir, repoDir);
    const appDir = join(repoDir, relative(input.repoDir, input.appDir));
    const target = join(appDir, basename(path));
    await unlink(target); // a hard link to the checkout's file: replaced, never written through
    await writeFile(target, stringify(edited.kustomization));
    return { ok: true, repoDir, appDir, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
