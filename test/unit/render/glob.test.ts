import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../../engine/render/glob.ts';

describe('globToRegExp', () => {
  it.each([
    ['*.yaml', 'a.yaml', true],
    ['*.yaml', 'sub/a.yaml', true],
    ['*.yaml', 'a.yml', false],
    ['sub/*.yaml', 'sub/a.yaml', true],
    ['sub/*.yaml', 'sub/deep/a.yaml', false],
    ['sub/**', 'sub/deep/a.yaml', true],
    ['**/a.yaml', 'a.yaml', true],
    ['**/a.yaml', 'x/y/a.yaml', true],
    ['{a,b}.yaml', 'b.yaml', true],
    ['{a,b}.yaml', 'c.yaml', false],
    ['?.json', 'ab.json', false],
  ])('%s on %s -> %s', (glob, path, matches) => {
    expect(globToRegExp(glob).test(path)).toBe(matches);
  });
});
