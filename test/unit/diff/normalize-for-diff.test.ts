import { describe, expect, it } from 'vitest';
import { normalizeForDiff } from '../../../engine/diff/normalize-for-diff.ts';
import { loadDiffFixture } from './load-fixture.ts';

describe('normalizeForDiff', () => {
  it('drops server metadata, tool annotations and status, and keeps the rest', () => {
    const live = loadDiffFixture('deployment-live.yaml');

    const normalized = normalizeForDiff(live);

    expect(Object.keys(normalized.metadata).sort()).toEqual(['annotations', 'labels', 'name', 'namespace']);
    expect(normalized.metadata.annotations).toEqual({
      'syncwave.dev/tracking-id': 'dev:frontend:apps/Deployment:frontend/web',
    });
    expect(normalized.status).toBeUndefined();
    expect(normalized.spec).toEqual(live.spec);
  });

  it('drops annotations that only held tool annotations', () => {
    const cm = loadDiffFixture('configmap-live.yaml');
    delete cm.metadata.annotations!['example.com/owner'];

    expect(normalizeForDiff(cm).metadata).toEqual({ name: 'web-config', namespace: 'frontend' });
  });

  it('leaves the input untouched', () => {
    const live = loadDiffFixture('deployment-live.yaml');
    const before = structuredClone(live);

    normalizeForDiff(live, {
      ignore: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
    });

    expect(live).toEqual(before);
  });

  it('removes RFC 6901 pointers with escaped keys and array indexes', () => {
    const cm = loadDiffFixture('configmap-live.yaml');
    const deploy = loadDiffFixture('deployment-live.yaml');
    const ignore = [
      {
        group: '',
        kind: 'ConfigMap',
        jsonPointers: ['/metadata/annotations/example.com~1owner', '/data/app.properties'],
      },
      {
        group: 'apps',
        kind: 'Deployment',
        jsonPointers: ['/spec/template/spec/containers/0/env/0', '/spec/x/~0'],
      },
    ];

    const normalizedCm = normalizeForDiff(cm, { ignore });
    const normalizedDeploy = normalizeForDiff(deploy, { ignore });

    expect(normalizedCm.metadata.annotations).toEqual({});
    expect(normalizedCm.data).toEqual({ LOG_LEVEL: 'info' });
    const spec = normalizedDeploy.spec as { template: { spec: { containers: Array<{ env: unknown[] }> } } };
    expect(spec.template.spec.containers[0]!.env).toEqual([]);
  });
});
