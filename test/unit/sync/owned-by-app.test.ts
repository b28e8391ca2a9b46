import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../engine/model.ts';
import {
  argoAppOf,
  isArgoCdObject,
  ownedByApp,
  ownedOrAdoptable,
} from '../../../engine/sync/owned-by-app.ts';

const app = { name: 'web', env: { name: 'dev', branch: 'develop', cluster: 'dev' } };
const obj = (annotations: Record<string, string> = {}, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'web', annotations, labels },
});

describe('who owns a live object', () => {
  it.each([
    [obj({ 'argocd.argoproj.io/tracking-id': 'web:apps/Deployment:web/web' }), 'web'],
    [obj({ 'argocd.argoproj.io/tracking-id': 'team-a_web:apps/Deployment:web/web' }), 'web'],
    [obj({}, { 'app.kubernetes.io/instance': 'web' }), 'web'],
    [
      obj(
        { 'argocd.argoproj.io/tracking-id': 'api:apps/Deployment:web/web' },
        { 'app.kubernetes.io/instance': 'web' },
      ),
      'api',
    ],
    [obj(), undefined],
  ])('Argo CD tracks %j under %s', (live, expected) => {
    expect(argoAppOf(live)).toBe(expected);
  });

  it('adopts what Argo CD tracked under the same app name, never what syncwave tracks for another app', () => {
    const adopt = ownedOrAdoptable(app);
    expect(adopt(obj({}, { 'app.kubernetes.io/instance': 'web' }))).toBe(true);
    expect(adopt(obj({}, { 'app.kubernetes.io/instance': 'api' }))).toBe(false);
    expect(adopt(obj())).toBe(false);
    const otherApp = obj(
      { 'syncwave.io/tracking-id': 'dev:api:apps/Deployment:web/web' },
      { 'app.kubernetes.io/instance': 'web' },
    );
    expect(adopt(otherApp)).toBe(false);
    expect(adopt(obj({ 'syncwave.io/tracking-id': 'dev:web:apps/Deployment:web/web' }))).toBe(true);
  });

  it('prune keeps asking for syncwave tracking only', () => {
    expect(ownedByApp(app)(obj({}, { 'app.kubernetes.io/instance': 'web' }))).toBe(false);
  });

  it("tells Argo CD's own objects", () => {
    expect(
      isArgoCdObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' } }),
    ).toBe(true);
    expect(
      isArgoCdObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'a' } }),
    ).toBe(false);
  });
});
