import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../engine/model.ts';
import { parseTrackingId, trackingId, withTracking } from '../../../engine/render/tracking.ts';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe('trackingId', () => {
  it.each([
    [obj('apps/v1', 'Deployment', 'web', 'prod-frontend'), 'prod:frontend:apps/Deployment:prod-frontend/web'],
    [obj('v1', 'Service', 'web', 'dev-frontend'), 'dev:frontend:/Service:dev-frontend/web'],
    [
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader'),
      'dev:frontend:rbac.authorization.k8s.io/ClusterRole:/reader',
    ],
  ])('%o -> %s, and back', (o, id) => {
    const env = id.split(':')[0] as string;
    expect(trackingId(env, 'frontend', o)).toBe(id);
    const parsed = parseTrackingId(id);
    expect(parsed).toMatchObject({ env, app: 'frontend', kind: o.kind, name: o.metadata.name });
    expect(parsed?.namespace).toBe(o.metadata.namespace);
  });

  it.each([
    '',
    'dev:frontend',
    'frontend:apps/Deployment:ns/web',
    'a:b:c:d:e/f',
    'dev:app:apps/Deployment:ns/',
  ])('parseTrackingId(%j) is undefined', (id) => {
    expect(parseTrackingId(id)).toBeUndefined();
  });

  it('withTracking adds the annotation and both labels, keeping the others, on a copy', () => {
    const o: KubeObject = {
      ...obj('v1', 'ConfigMap', 'c', 'ns'),
      metadata: { name: 'c', namespace: 'ns', labels: { keep: 'me' }, annotations: { a: 'b' } },
    };

    const t = withTracking('dev', 'db', o);

    expect(t.metadata.labels).toEqual({ keep: 'me', 'syncwave.io/app': 'db', 'syncwave.io/env': 'dev' });
    expect(t.metadata.annotations).toEqual({ a: 'b', 'syncwave.io/tracking-id': 'dev:db:/ConfigMap:ns/c' });
    expect(o.metadata.labels).toEqual({ keep: 'me' });
  });
});
