import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../engine/model.ts';
import {
  HOOK_GENERATE_NAME,
  HOOK_RUN,
  hookRunName,
  isGeneratedHook,
  nameGeneratedHooks,
} from '../../../engine/sync/generated-hooks.ts';

const run = { revision: '0123456789abcdef0123456789abcdef01234567', startedAt: '2026-12-04T03:00:00.000Z' };
const seconds = Date.parse(run.startedAt) / 1000;

const hook = (annotations: Record<string, string>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: {
    generateName: 'upgrade-sql-schema-',
    annotations,
    ...metadata,
  } as unknown as KubeObject['metadata'],
  spec: { template: {} },
});

describe('generateName hooks', () => {
  it('names a run as Argo CD does: generateName, revision, phase and start time', () => {
    expect(hookRunName('upgrade-sql-schema-', 'PreSync', run)).toBe(
      `upgrade-sql-schema-0123456-presync-${seconds}`,
    );
  });

  it('keeps a run name within 63 characters by shortening the generateName', () => {
    const name = hookRunName(`${'x'.repeat(80)}-`, 'PostSync', run);
    expect(name).toHaveLength(63);
    expect(name.endsWith(`x0123456-postsync-${seconds}`)).toBe(true);
  });

  it('tells generated hooks from named hooks and from plain objects with generateName', () => {
    expect(isGeneratedHook(hook({ 'argocd.argoproj.io/hook': 'PreSync' }))).toBe(true);
    expect(isGeneratedHook(hook({ 'argocd.argoproj.io/hook': 'PreSync' }, { name: 'fixed' }))).toBe(false);
    expect(isGeneratedHook(hook({}))).toBe(false);
  });

  it('makes one named object per phase, marked with the hook and the run; Skip is no phase', () => {
    const out = nameGeneratedHooks([hook({ 'argocd.argoproj.io/hook': 'PreSync,PostSync,Skip' })], run);
    expect(out.map((o) => o.metadata.name)).toEqual([
      `upgrade-sql-schema-0123456-presync-${seconds}`,
      `upgrade-sql-schema-0123456-postsync-${seconds}`,
    ]);
    expect(out.map((o) => o.metadata.annotations?.['argocd.argoproj.io/hook'])).toEqual([
      'PreSync',
      'PostSync',
    ]);
    for (const o of out) {
      expect(o.metadata.generateName).toBeUndefined();
      expect(o.metadata.annotations?.[HOOK_GENERATE_NAME]).toBe('upgrade-sql-schema-');
      expect(o.metadata.annotations?.[HOOK_RUN]).toBe(run.startedAt);
    }
  });

  it('names runs alike for the same operation (a resumed sync) and differently for the next sync', () => {
    const obj = hook({ 'syncwave.io/hook': 'Sync' });
    const first = nameGeneratedHooks([obj], run)[0]?.metadata.name;
    expect(nameGeneratedHooks([obj], run)[0]?.metadata.name).toBe(first);
    const next = nameGeneratedHooks([obj], { ...run, startedAt: '2026-12-04T03:05:00.000Z' })[0]?.metadata
      .name;
    expect(next).not.toBe(first);
    expect(nameGeneratedHooks([obj], run)[0]?.metadata.annotations?.['syncwave.io/hook']).toBe('Sync');
  });

  it('leaves generated hooks out without a run (a diff) and passes other objects through untouched', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    const input = [cm, hook({ 'argocd.argoproj.io/hook': 'PreSync' })];
    expect(nameGeneratedHooks(input, undefined)).toEqual([cm]);
    expect(nameGeneratedHooks(input, run)[0]).toBe(cm);
  });
});
