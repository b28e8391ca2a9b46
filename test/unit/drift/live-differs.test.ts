import { describe, expect, it } from 'vitest';
import { normalizeForDiff } from '../../../engine/diff/normalize-for-diff.ts';
import { liveDiffers } from '../../../engine/drift/live-differs.ts';
import type { KubeObject } from '../../../engine/model.ts';

const desired: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'web', labels: { app: 'web' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
};

/** As the API server lists it: defaults, server metadata, status, and an HPA's replica count. */
const live: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'web',
    labels: { app: 'web' },
    uid: 'u1',
    resourceVersion: '42',
    generation: 7,
    annotations: { 'deployment.kubernetes.io/revision': '3' },
    managedFields: [{ manager: 'horizontal-pod-autoscaler' }],
  },
  spec: {
    replicas: 4,
    strategy: { type: 'RollingUpdate' },
    template: { spec: { containers: [{ name: 'web', image: 'web:1', imagePullPolicy: 'IfNotPresent' }] } },
  },
  status: { replicas: 4 },
};

const HPA_RULE = { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] };

describe('liveDiffers: drift uses the comparison a sync uses', () => {
  it('finds a field Git sets that the cluster changed', () => {
    expect(liveDiffers(desired, live)).toEqual(['spec.replicas']);
  });

  it("ignores a field the app's ignoreDifferences names (an HPA's replicas): no self-heal loop", () => {
    expect(liveDiffers(desired, live, { ignore: [HPA_RULE] })).toEqual([]);
  });

  it('a desired state stored already normalised (ignored fields removed) needs no rules to compare', () => {
    const stored = normalizeForDiff(desired, { ignore: [HPA_RULE] });
    expect(stored.spec).not.toHaveProperty('replicas');
    expect(liveDiffers(stored, live)).toEqual([]);
    const changed = { ...live, spec: { ...(live.spec as object), template: { spec: { containers: [] } } } };
    expect(liveDiffers(stored, changed)).toEqual(['spec.template.spec.containers']);
  });

  it('a rule for another kind ignores nothing', () => {
    expect(
      liveDiffers(desired, live, { ignore: [{ kind: 'StatefulSet', jsonPointers: ['/spec/replicas'] }] }),
    ).toEqual(['spec.replicas']);
  });
});
