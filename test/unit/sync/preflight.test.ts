import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../engine/app-spec.ts';
import { type PreflightInput, preflightProblem } from '../../../engine/sync/preflight.ts';

const app = (allowEmpty = false) =>
  ({
    path: 'apps/web',
    syncPolicy: { automated: { prune: true, selfHeal: true, allowEmpty } },
  }) as unknown as AppSpec;

const ok: PreflightInput = {
  app: app(),
  desiredCount: 3,
  inventoryCount: 3,
  missingNamespaces: [],
  rejected: [],
  firstStep: true,
};

describe('preflightProblem: why a sync may apply nothing', () => {
  it('lets a sound sync go on', () => {
    expect(preflightProblem(ok)).toBeUndefined();
  });

  it('refuses an empty render that would prune the whole app, unless allowEmpty', () => {
    const empty = { ...ok, desiredCount: 0 };
    expect(preflightProblem(empty)).toMatch(
      /^render of apps\/web produced no objects; refusing to prune all 3 objects of the app \(set syncPolicy\.automated\.allowEmpty: true/,
    );
    expect(preflightProblem({ ...empty, app: app(true) })).toBeUndefined();
  });

  it('names a missing namespace and says how to create it', () => {
    expect(preflightProblem({ ...ok, missingNamespaces: ['web', 'cache'] })).toBe(
      "nothing applied: namespace web, cache does not exist; add CreateNamespace=true to the app's syncPolicy.syncOptions or a Namespace manifest to apps/web",
    );
  });

  it('fails on objects the API server rejects, before the first step only', () => {
    const rejected = [
      { key: 'k', message: 'ConfigMap/web/Bad: apply rejected as invalid (HTTP 422 Invalid)' },
    ];
    expect(preflightProblem({ ...ok, rejected })).toBe(
      'nothing applied: the API server rejects 1 object(s): ConfigMap/web/Bad: apply rejected as invalid (HTTP 422 Invalid)',
    );
    expect(preflightProblem({ ...ok, rejected, firstStep: false })).toBeUndefined();
  });
});
