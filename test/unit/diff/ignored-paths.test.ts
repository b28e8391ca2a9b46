import { describe, expect, it } from 'vitest';
import type { IgnoreDifference } from '../../../engine/app-spec.ts';
import { ignoredPaths } from '../../../engine/diff/ignored-paths.ts';
import { normalizeForDiff } from '../../../engine/diff/normalize-for-diff.ts';
import { withIgnoredFromLive } from '../../../engine/diff/with-ignored-from-live.ts';
import type { KubeObject } from '../../../engine/model.ts';

function deployment(over: {
  replicas?: number;
  containers?: Array<Record<string, unknown>>;
  managedFields?: unknown[];
}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      ...(over.managedFields ? { managedFields: over.managedFields } : {}),
    },
    spec: {
      replicas: over.replicas ?? 1,
      template: {
        spec: {
          containers: over.containers ?? [
            { name: 'web', image: 'web:1' },
            { name: 'istio-proxy', image: 'proxy:1' },
          ],
        },
      },
    },
  } as KubeObject;
}

const jqRule: IgnoreDifference = {
  group: 'apps',
  kind: 'Deployment',
  jsonPointers: [],
  jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "istio-proxy")'],
};

describe('ignoredPaths', () => {
  it('jq path expressions name the fields by value, wherever the list puts them', () => {
    expect(ignoredPaths(deployment({}), [jqRule])).toEqual([['spec', 'template', 'spec', 'containers', 1]]);
    const swapped = deployment({
      containers: [
        { name: 'istio-proxy', image: 'p' },
        { name: 'web', image: 'w' },
      ],
    });
    expect(ignoredPaths(swapped, [jqRule])).toEqual([['spec', 'template', 'spec', 'containers', 0]]);
  });

  it('an expression naming nothing ignores nothing; a bad one fails naming it', () => {
    expect(ignoredPaths(deployment({}), [{ ...jqRule, jqPathExpressions: ['.spec.nothing[]?'] }])).toEqual(
      [],
    );
    expect(() => ignoredPaths(deployment({}), [{ ...jqRule, jqPathExpressions: ['.spec | ('] }])).toThrow(
      /jq path expression "\.spec \| \(": .*syntax error/,
    );
  });

  it('hostile: an expression that never ends is stopped', () => {
    expect(() =>
      ignoredPaths(deployment({}), [{ ...jqRule, jqPathExpressions: ['until(false; .) | .spec'] }]),
    ).toThrow(/ran for more than 2s and was stopped/);
    // the next expression runs in a fresh worker
    expect(ignoredPaths(deployment({}), [{ ...jqRule, jqPathExpressions: ['.spec.replicas'] }])).toEqual([
      ['spec', 'replicas'],
    ]);
  });

  it('managedFieldsManagers: the leaves the managers own in live, found by key in either object', () => {
    const managedFields = [
      {
        manager: 'hpa',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
      {
        manager: 'injector',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:spec': {
            'f:template': {
              'f:spec': {
                'f:containers': { 'k:{"name":"istio-proxy"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
              },
            },
          },
        },
      },
      {
        manager: 'syncwave',
        operation: 'Apply',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:template': {} } },
      },
    ];
    const live = deployment({ replicas: 5, managedFields });
    const rule = {
      group: 'apps',
      kind: 'Deployment',
      jsonPointers: [],
      managedFieldsManagers: ['hpa', 'injector'],
    };
    expect(ignoredPaths(live, [rule])).toEqual([
      ['spec', 'replicas'],
      ['spec', 'template', 'spec', 'containers', 1, 'image'],
      ['spec', 'template', 'spec', 'containers', 1, 'name'],
    ]);
    const desired = deployment({
      containers: [
        { name: 'istio-proxy', image: 'old' },
        { name: 'web', image: 'web:2' },
      ],
    });
    expect(ignoredPaths(desired, [rule], live)).toContainEqual([
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'image',
    ]);
    // the diff no longer sees what those managers own
    const a = normalizeForDiff(live, { ignore: [rule], owner: live });
    const b = normalizeForDiff(deployment({ replicas: 1 }), { ignore: [rule], owner: live });
    expect(a.spec).toEqual(b.spec);
  });
});

describe('withIgnoredFromLive (RespectIgnoreDifferences)', () => {
  it('takes the ignored fields from live and leaves the rest as Git has it', () => {
    const rules: IgnoreDifference[] = [
      { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
    ];
    const desired = deployment({ replicas: 1, containers: [{ name: 'web', image: 'web:2' }] });
    const live = { ...deployment({ replicas: 7 }), status: { replicas: 7 } } as KubeObject;
    const out = withIgnoredFromLive(desired, live, rules);
    expect(out.spec).toEqual({
      replicas: 7,
      template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } },
    });
    expect(out.status).toBeUndefined();
    expect(desired.spec).toMatchObject({ replicas: 1 });
  });

  it('a field live does not have is left out of the write', () => {
    const rules: IgnoreDifference[] = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/paused'] }];
    const desired = {
      ...deployment({}),
      spec: { ...(deployment({}).spec as object), paused: true },
    } as KubeObject;
    expect(withIgnoredFromLive(desired, deployment({}), rules).spec).not.toHaveProperty('paused');
  });
});
