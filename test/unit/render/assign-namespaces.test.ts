import { describe, expect, it } from 'vitest';
import { assignNamespaces } from '../../../engine/render/assign-namespaces.ts';
import { loadObjects } from './load-fixture.ts';

const nsByName = (objects: Array<{ kind: string; metadata: { name: string; namespace?: string } }>) =>
  Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.namespace ?? null]));

describe('assignNamespaces', () => {
  const input = loadObjects('namespaces.yaml');

  it('without discovery: built-in table, CRDs in the render set, else namespaced', async () => {
    const out = await assignNamespaces(input, 'app-ns');

    expect(nsByName(out)).toEqual({
      'Namespace/team': null,
      'ClusterRole/reader': null,
      'Deployment/unset': 'app-ns',
      'Service/set-by-chart': 'monitoring',
      'CustomResourceDefinition/clusterwidgets.example.com': null,
      'ClusterWidget/cluster-widget': null,
      'CustomResourceDefinition/widgets.example.com': null,
      'Widget/widget': 'app-ns',
      'Gadget/gadget': 'app-ns',
      'StorageClass/fast': null,
      'IngressClass/nginx': null,
    });
    expect(input[0]?.metadata.namespace).toBe('should-be-removed');
    expect(out[0]?.metadata).not.toHaveProperty('namespace');
  });

  it('asks discovery first, once per kind, and falls back when it does not know the kind', async () => {
    const asked: string[] = [];
    const out = await assignNamespaces(input, 'app-ns', async (apiVersion, kind) => {
      asked.push(`${apiVersion}/${kind}`);
      if (kind === 'Gadget') return false; // the cluster knows Gadget as cluster-scoped
      if (kind === 'Service') return true;
      return undefined;
    });

    expect(nsByName(out)['Gadget/gadget']).toBeNull();
    expect(nsByName(out)['Service/set-by-chart']).toBe('monitoring');
    expect(nsByName(out)['ClusterWidget/cluster-widget']).toBeNull();
    expect(asked.filter((k) => k === 'apiextensions.k8s.io/v1/CustomResourceDefinition')).toHaveLength(1);
  });
});
