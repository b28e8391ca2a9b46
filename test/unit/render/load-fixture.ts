import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../../engine/model.ts';
import { parseManifests } from '../../../engine/render/parse-manifests.ts';

/** The objects of a multi-document fixture under test/fixtures/render/. */
export function loadObjects(name: string): KubeObject[] {
  const path = fileURLToPath(new URL(`../../fixtures/render/${name}`, import.meta.url));
  const parsed = parseManifests(readFileSync(path, 'utf8'), { file: name });
  if (!parsed.ok) throw new Error(`${name}: ${parsed.failure.detail}`);
  return parsed.objects;
}
