// Chart versions as Helm picks them (Masterminds semver constraints, via the semver package).
import { describe, expect, it } from 'vitest';
import {
  isExactVersion,
  isVersionConstraint,
  pickChartVersion,
} from '../../../engine/render/chart-version.ts';

const offered = ['18.1.0', '18.0.2', '18.2.0-rc.1', '17.9.9', 'v19.0.0', 'not-a-version'];

describe('pickChartVersion', () => {
  it.each([
    ['18.1.0', '18.1.0'],
    ['v18.1.0', '18.1.0'],
    ['19.0.0', 'v19.0.0'],
    ['18.x', '18.1.0'],
    ['~18.0.0', '18.0.2'],
    ['^17.0.0', '17.9.9'],
    ['>=17, <18.1', '18.0.2'],
    ['*', 'v19.0.0'],
    ['', 'v19.0.0'],
    ['>=18.2.0-rc.0 <18.3', '18.2.0-rc.1'],
  ])('%j picks %s', (constraint, picked) => {
    expect(pickChartVersion(offered, constraint)).toBe(picked);
  });

  it.each([['18.3.0'], ['^20'], ['garbage!']])('%j picks nothing', (constraint) => {
    expect(pickChartVersion(offered, constraint)).toBeUndefined();
  });

  it('tells exact versions from ranges and from neither', () => {
    expect([isExactVersion('1.2.3'), isExactVersion('1.2.x'), isExactVersion('1.2')]).toEqual([
      true,
      false,
      false,
    ]);
    expect([isVersionConstraint('1.2'), isVersionConstraint('>=1 <2'), isVersionConstraint('main')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
