import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { KubeObject } from '../../../engine/model.ts';

const dir = new URL('../../fixtures/diff/', import.meta.url);

/** A fresh copy of a YAML fixture in test/fixtures/diff. */
export function loadDiffFixture(file: string): KubeObject {
  return parse(readFileSync(new URL(file, dir), 'utf8')) as KubeObject;
}
