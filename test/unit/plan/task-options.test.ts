import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../engine/model.ts';
import { taskOptionsOf } from '../../../engine/plan/task-options.ts';

const obj = (options?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'c',
    ...(options ? { annotations: { 'argocd.argoproj.io/sync-options': options } } : {}),
  },
});

describe('taskOptionsOf', () => {
  it('defaults: server-side apply, validated, dry-run required', () => {
    expect(taskOptionsOf(obj(), undefined)).toEqual({
      replace: false,
      force: false,
      validate: true,
      skipDryRunOnMissingResource: false,
    });
  });

  it.each([
    ['app options', obj(), undefined, { replace: true, validate: false }, { replace: true, validate: false }],
    [
      'the desired object',
      obj('Replace=true,Validate=false'),
      undefined,
      {},
      { replace: true, validate: false },
    ],
    [
      'the live object (Replace, Force)',
      obj(),
      obj('Replace=true,Force=true'),
      {},
      { replace: true, force: true },
    ],
    ['the desired object only (Validate)', obj(), obj('Validate=false'), {}, { validate: true }],
    [
      'SkipDryRunOnMissingResource',
      obj('SkipDryRunOnMissingResource=true'),
      undefined,
      {},
      { skipDryRunOnMissingResource: true },
    ],
  ])('from %s', (_what, desired, live, app, expected) => {
    expect(taskOptionsOf(desired, live, app)).toMatchObject(expected);
  });
});
