import { describe, expect, it } from 'vitest';
import { resourcePath } from '../../../../adapters/kube/resource-path.ts';

describe('resourcePath', () => {
  it.each([
    [
      { apiVersion: 'v1', resource: 'configmaps', namespace: 'web', name: 'settings' },
      '/api/v1/namespaces/web/configmaps/settings',
    ],
    [
      { apiVersion: 'apps/v1', resource: 'deployments', namespace: 'web' },
      '/apis/apps/v1/namespaces/web/deployments',
    ],
    [{ apiVersion: 'apps/v1', resource: 'deployments' }, '/apis/apps/v1/deployments'],
    [{ apiVersion: 'v1', resource: 'namespaces', name: 'web' }, '/api/v1/namespaces/web'],
    [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        resource: 'clusterroles',
        name: 'system:aggregate-to-edit',
      },
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Aaggregate-to-edit',
    ],
  ])('%o -> %s', (input, path) => {
    expect(resourcePath(input)).toBe(path);
  });
});
