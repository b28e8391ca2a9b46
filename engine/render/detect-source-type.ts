import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceType } from '../app-spec.ts';

/** File names that make a directory a Kustomize source, in kustomize's own order. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Chart.yaml -> helm; a kustomization file -> kustomize; anything else -> directory. */
export async function detectSourceType(appDir: string): Promise<SourceType> {
  if (await exists(join(appDir, 'Chart.yaml'))) return 'helm';
  for (const name of KUSTOMIZATION_FILES) if (await exists(join(appDir, name))) return 'kustomize';
  return 'directory';
}

/** The kustomization file of a directory, if any. */
export async function findKustomization(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) if (await exists(join(dir, name))) return join(dir, name);
  return undefined;
}
