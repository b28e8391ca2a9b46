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

describe('globToRegExp, Argo CD style (gobwas/glob without separators, whole relative path)', () => {
  it.each([
    ['*.yaml', 'a.yaml', true],
    ['*.yaml', 'sub/a.yaml', true],
    ['env-usw2/*', 'env-usw2/nested/deep.yaml', true],
    ['{config.yaml,env-usw2/*}', 'config.yaml', true],
    ['{config.yaml,env-usw2/*}', 'sub/config.yaml', false],
    ['config.yaml', 'sub/config.yaml', false],
    ['tests/*', 'tests/smoke.yaml', true],
    ['tests/*', 'base/tests/smoke.yaml', false],
    ['?.json', 'a.json', true],
    ['[ab].yaml', 'b.yaml', true],
    ['[!ab].yaml', 'b.yaml', false],
    ['a.b', 'axb', false],
    ['\\*.yaml', '*.yaml', true],
    ['\\*.yaml', 'a.yaml', false],
  ])('%s on %s -> %s', (glob, path, matches) => {
    expect(globToRegExp(glob, { style: 'argocd' }).test(path)).toBe(matches);
  });
});
