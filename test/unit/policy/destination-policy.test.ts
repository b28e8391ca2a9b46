import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../engine/app-spec.ts';
import type { KubeObject } from '../../../engine/model.ts';
import { checkDestinations, type ScopeOf } from '../../../engine/policy/check-destinations.ts';
import { type PolicySet, parseDestinationPolicy } from '../../../engine/policy/destination-policy.ts';
import { matchGlob } from '../../../engine/policy/match-glob.ts';

const POLICY = `environments:
  dev:
    namespaces: ["dev-*", monitoring]
    clusterResources: ["/Namespace", { group: "apiextensions.k8s.io", kind: "*" }]
  prod:
    namespaces: ["prod-*"]
`;

function policy(): PolicySet {
  const parsed = parseDestinationPolicy(POLICY, 'ops/policy.yaml');
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.policy;
}

const app = (name: string, namespace: string): AppSpec => ({ name, namespace }) as unknown as AppSpec;
const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});
/** Scope as the built-in table would say: these kinds are cluster-scoped. */
const scopeOf: ScopeOf = async (o) =>
  !['Namespace', 'ClusterRoleBinding', 'ClusterRole', 'CustomResourceDefinition'].includes(o.kind);

describe('checkDestinations', () => {
  it('allows namespaced objects in allowed namespaces and allowed cluster-scoped kinds', async () => {
    const failures = await checkDestinations({
      env: 'dev',
      policy: policy(),
      scopeOf,
      apps: [
        {
          app: app('web', 'dev-web'),
          objects: [
            obj('v1', 'ConfigMap', 'a', 'dev-web'),
            obj('apps/v1', 'Deployment', 'b', 'monitoring'),
            obj('v1', 'Namespace', 'dev-web'),
            obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
          ],
        },
      ],
    });
    expect(failures).toEqual([]);
  });

  it('names each object outside the policy: a foreign namespace and a cluster-scoped kind not allowed', async () => {
    const failures = await checkDestinations({
      env: 'dev',
      policy: policy(),
      scopeOf,
      apps: [
        {
          app: app('evil', 'dev-evil'),
          objects: [
            obj('v1', 'ConfigMap', 'ok', 'dev-evil'),
            obj('v1', 'ConfigMap', 'x', 'kube-system'),
            obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'x'),
          ],
        },
      ],
    });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toBe(
      'ConfigMap/kube-system/x: namespace kube-system is not allowed for environment dev by policy ops/policy.yaml (allowed: dev-*, monitoring); ' +
        'ClusterRoleBinding/x: cluster-scoped kind rbac.authorization.k8s.io/ClusterRoleBinding is not allowed for environment dev by policy ops/policy.yaml (allowed: /Namespace, apiextensions.k8s.io/*)',
    );
  });

  it('refuses an app whose own namespace is outside (CreateNamespace would create it), and an environment not listed', async () => {
    const outside = await checkDestinations({
      env: 'prod',
      policy: policy(),
      scopeOf,
      apps: [{ app: app('db', 'dev-db'), objects: [] }],
    });
    expect(outside[0]?.message).toMatch(
      /^app db: destination namespace dev-db is not allowed for environment prod/,
    );
    expect(outside[0]?.message).toContain('(allowed: prod-*)');
    const unlisted = await checkDestinations({
      env: 'staging',
      policy: policy(),
      scopeOf,
      apps: [{ app: app('db', 'staging-db'), objects: [] }],
    });
    expect(unlisted[0]?.message).toBe(
      'environment staging has no entry in policy ops/policy.yaml: its apps may write nowhere',
    );
  });

  it('allows everything without a policy (no --policy given)', async () => {
    const apps = [
      {
        app: app('x', 'kube-system'),
        objects: [obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'x')],
      },
    ];
    expect(await checkDestinations({ env: 'dev', policy: undefined, scopeOf, apps })).toEqual([]);
  });
});

describe('parseDestinationPolicy', () => {
  it('reads group/Kind strings and objects', () => {
    expect(policy().environments.dev?.clusterResources).toEqual([
      { group: '', kind: 'Namespace' },
      { group: 'apiextensions.k8s.io', kind: '*' },
    ]);
    expect(policy().environments.prod?.clusterResources).toEqual([]);
  });

  it.each([
    ['an unknown field', 'environments:\n  dev: { namespace: [a] }\n', /environments\.dev: Unrecognized key/],
    [
      'a kind without group',
      'environments:\n  dev: { clusterResources: [ClusterRole] }\n',
      /write group\/Kind/,
    ],
    ['no environments', 'dev: {}\n', /environments/],
    ['not YAML', 'environments: [\n', /not YAML/],
  ])('refuses %s, naming the file', (_what, text, message) => {
    const parsed = parseDestinationPolicy(text, 'p.yaml');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.message).toMatch(/^p\.yaml: /);
      expect(parsed.message).toMatch(message);
    }
  });
});

describe('matchGlob', () => {
  it.each([
    ['dev-*', 'dev-web', true],
    ['dev-*', 'prod-dev-web', false],
    ['*', 'anything', true],
    ['a?c', 'abc', true],
    ['a.c', 'abc', false],
    ['kube-system', 'kube-system-x', false],
  ])('%s against %s is %s', (pattern, name, expected) => {
    expect(matchGlob(pattern, name)).toBe(expected);
  });
});
