import { describe, expect, it } from 'vitest';
import { mapHelmHooks } from '../../../engine/render/helm-hooks.ts';
import { loadObjects } from './load-fixture.ts';

const argo = (annotations: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => k.startsWith('argocd.argoproj.io/')));

describe('mapHelmHooks', () => {
  const input = loadObjects('hooks.yaml');
  const mapped = mapHelmHooks(input);
  const byName = new Map(mapped.map((o) => [o.metadata.name, o]));

  it.each([
    [
      'migrate',
      {
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/sync-wave': '-5',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
      },
    ],
    [
      'notify',
      { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'HookFailed' },
    ],
    ['argo-owned', { 'argocd.argoproj.io/hook': 'Sync' }],
    ['explicit-wave', { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/sync-wave': '1' }],
    ['widgets.example.com', {}],
    ['plain', {}],
  ])('%s gets Argo CD annotations %o', (name, expected) => {
    expect(argo(byName.get(name)?.metadata.annotations)).toEqual(expected);
  });

  it.each(['test-connection', 'cleanup'])('drops %s: a hook type a sync never runs', (name) => {
    expect(byName.has(name)).toBe(false);
  });

  it('keeps the helm annotations and does not touch its input', () => {
    expect(byName.get('migrate')?.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(
      input.find((o) => o.metadata.name === 'migrate')?.metadata.annotations?.['argocd.argoproj.io/hook'],
    ).toBe(undefined);
  });
});
