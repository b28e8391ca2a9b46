import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../engine/model.ts';
import { hookPhasesOf } from '../../../engine/plan/annotations.ts';

const withHook = (hook: string): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', annotations: { 'argocd.argoproj.io/hook': hook } },
});

describe('hookPhasesOf', () => {
  it.each([
    ['PreSync,PostSync', ['PreSync', 'PostSync']],
    ['PreDelete', ['Skip']],
    ['PostDelete', ['Skip']],
    ['Unheard', undefined],
  ])('%s -> %j', (hook, phases) => {
    expect(hookPhasesOf(withHook(hook))).toEqual(phases);
  });
});
