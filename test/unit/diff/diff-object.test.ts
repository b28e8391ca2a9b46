import { describe, expect, it } from 'vitest';
import type { IgnoreDifference } from '../../../engine/app-spec.ts';
import { diffObject } from '../../../engine/diff/diff-object.ts';
import type { KubeObject } from '../../../engine/model.ts';
import { loadDiffFixture } from './load-fixture.ts';

const live = () => loadDiffFixture('deployment-live.yaml');
const scaledBack = () => loadDiffFixture('deployment-predicted-scaled-back.yaml');

/** The dry-run result when Git says exactly what is live: only server bookkeeping moves. */
function predictedUnchanged(): KubeObject {
  const p = scaledBack();
  (p.spec as { replicas: number }).replicas = 5;
  return p;
}

type Containers = { template: { spec: { containers: Array<Record<string, unknown>> } } };
const container = (obj: KubeObject) => (obj.spec as Containers).template.spec.containers[0]!;

describe('diffObject', () => {
  it('finds exactly spec.replicas after a manual kubectl scale', () => {
    const diff = diffObject(live(), scaledBack());

    expect(diff).toMatchObject({
      key: 'apps/Deployment/frontend/web',
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'frontend',
      name: 'web',
      change: 'modified',
      paths: ['spec.replicas'],
    });
  });

  it('prints the scale as a kubectl-diff-like unified YAML diff', () => {
    const { unified } = diffObject(live(), scaledBack());

    expect(unified.split('\n').slice(0, 2)).toEqual([
      '--- live/apps.v1.Deployment.frontend.web',
      '+++ desired/apps.v1.Deployment.frontend.web',
    ]);
    expect(unified).toMatch(/^- {2}replicas: 5$/m);
    expect(unified).toMatch(/^\+ {2}replicas: 3$/m);
    expect(unified.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toHaveLength(2);
    expect(unified).not.toContain('managedFields');
    expect(unified).not.toContain('resourceVersion');
  });

  it('is unchanged when only server bookkeeping (generation, resourceVersion, managedFields) moved', () => {
    const diff = diffObject(live(), predictedUnchanged());

    expect(diff.change).toBe('unchanged');
    expect(diff.paths).toEqual([]);
    expect(diff.unified).toBe('');
  });

  it.each<[string, IgnoreDifference[], string]>([
    [
      'group and kind',
      [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
      'unchanged',
    ],
    [
      'name and namespace',
      [
        {
          group: 'apps',
          kind: 'Deployment',
          name: 'web',
          namespace: 'frontend',
          jsonPointers: ['/spec/replicas'],
        },
      ],
      'unchanged',
    ],
    ['a group glob', [{ group: '*', kind: 'Deploy*', jsonPointers: ['/spec/replicas'] }], 'unchanged'],
    ['no group (any group)', [{ kind: 'Deployment', jsonPointers: ['/spec/replicas'] }], 'unchanged'],
    [
      'another name',
      [{ group: 'apps', kind: 'Deployment', name: 'api', jsonPointers: ['/spec/replicas'] }],
      'modified',
    ],
    [
      'another namespace',
      [{ group: 'apps', kind: 'Deployment', namespace: 'backend', jsonPointers: ['/spec/replicas'] }],
      'modified',
    ],
    ['the core group', [{ group: '', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }], 'modified'],
    ['another kind', [{ group: 'apps', kind: 'StatefulSet', jsonPointers: ['/spec/replicas'] }], 'modified'],
    [
      'a pointer naming nothing',
      [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/nope/replicas'] }],
      'modified',
    ],
  ])('ignoreDifferences matching by %s -> %s', (_label, ignore, change) => {
    expect(diffObject(live(), scaledBack(), { ignore }).change).toBe(change);
  });

  it('names a changed container image precisely', () => {
    const predicted = predictedUnchanged();
    container(predicted).image = 'nginx:1.28';

    expect(diffObject(live(), predicted).paths).toEqual(['spec.template.spec.containers[0].image']);
  });

  it('names a list whose length changed (an env var added) as the list', () => {
    const predicted = predictedUnchanged();
    (container(predicted).env as unknown[]).push({ name: 'FEATURE_X', value: 'on' });

    expect(diffObject(live(), predicted).paths).toEqual(['spec.template.spec.containers[0].env']);
  });

  it('names a changed element of a list of the same length', () => {
    const predicted = predictedUnchanged();
    (container(predicted).env as Array<{ value: string }>)[0]!.value = 'debug';

    expect(diffObject(live(), predicted).paths).toEqual(['spec.template.spec.containers[0].env[0].value']);
  });

  it('quotes keys that are not identifiers, and lists added and removed keys', () => {
    const predicted = predictedUnchanged();
    const labels = predicted.metadata.labels!;
    labels['app.kubernetes.io/version'] = '1.28';
    labels.tier = 'web';
    delete (predicted.spec as Record<string, unknown>).revisionHistoryLimit;

    expect(diffObject(live(), predicted).paths).toEqual([
      'metadata.labels["app.kubernetes.io/version"]',
      'metadata.labels.tier',
      'spec.revisionHistoryLimit',
    ]);
  });

  it('reports an object only in Git as added, with the whole object as additions', () => {
    const diff = diffObject(undefined, scaledBack());

    expect(diff.change).toBe('added');
    expect(diff.paths).toEqual([]);
    expect(diff.unified).toContain('+++ desired/apps.v1.Deployment.frontend.web');
    expect(diff.unified).toMatch(/^\+kind: Deployment$/m);
    expect(diff.unified).not.toMatch(/^-[^-]/m);
  });

  it('reports an object only in the cluster as removed', () => {
    const diff = diffObject(loadDiffFixture('configmap-live.yaml'), undefined);

    expect(diff).toMatchObject({ key: '/ConfigMap/frontend/web-config', change: 'removed', paths: [] });
    expect(diff.unified).toMatch(/^-kind: ConfigMap$/m);
    expect(diff.unified).not.toMatch(/^\+[^+]/m);
  });

  it('prints keys sorted, so the same object always prints the same', () => {
    const { unified } = diffObject(undefined, loadDiffFixture('configmap-live.yaml'));
    const topLevel = unified
      .split('\n')
      .filter((l) => /^\+[a-z]/.test(l))
      .map((l) => l.slice(1).split(':')[0]);

    expect(topLevel).toEqual(['apiVersion', 'data', 'kind', 'metadata']);
  });

  it('needs at least one side', () => {
    expect(() => diffObject(undefined, undefined)).toThrow(/neither a live nor a predicted object/);
  });
});
