import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../engine/model.ts';

const dir = new URL('../../fixtures/health/', import.meta.url);

/** Every document of a YAML fixture in test/fixtures/health. */
export function loadHealthFixtures(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(new URL(file, dir), 'utf8')).map((d) => d.toJS() as KubeObject);
}

export function loadHealthFixture(file: string): KubeObject {
  const [first] = loadHealthFixtures(file);
  if (!first) throw new Error(`test/fixtures/health/${file}: holds no document`);
  return first;
}
