/**
 * infra/eks-bootstrap-rbac.yaml as data: what the deployer and observer groups may do. The same
 * file is applied to the real control plane in test/integration/aws-rbac.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const docs = parseAllDocuments(
  readFileSync(new URL('../../../infra/eks-bootstrap-rbac.yaml', import.meta.url), 'utf8'),
).map((d) => d.toJS());
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
const rulesOf = (name: string): Rule[] =>
  docs.find((d) => d.kind === 'ClusterRole' && d.metadata.name === name)?.rules ?? [];
const allows = (rules: Rule[], group: string, resource: string, verb: string) =>
  rules.some(
    (r) =>
      (r.apiGroups.includes('*') || r.apiGroups.includes(group)) &&
      (r.resources.includes('*') || r.resources.includes(resource)) &&
      (r.verbs.includes('*') || r.verbs.includes(verb)),
  );

describe('eks-bootstrap-rbac.yaml', () => {
  it('never gives the least-access deployer escalate, bind or impersonate', () => {
    const verbs = rulesOf('syncwave-deployer-cluster-scoped').flatMap((r) => r.verbs);
    expect(verbs.length).toBeGreaterThan(0);
    for (const v of ['escalate', 'bind', 'impersonate', '*']) expect(verbs).not.toContain(v);
  });

  it('lets the deployer create Namespaces, CRDs and cluster RBAC objects', () => {
    const rules = rulesOf('syncwave-deployer-cluster-scoped');
    expect(allows(rules, '', 'namespaces', 'create')).toBe(true);
    expect(allows(rules, 'apiextensions.k8s.io', 'customresourcedefinitions', 'patch')).toBe(true);
    expect(allows(rules, 'rbac.authorization.k8s.io', 'clusterroles', 'patch')).toBe(true);
  });

  it('lets the observer read every kind, Secrets included, and write nothing', () => {
    const rules = rulesOf('syncwave-observer');
    for (const [group, resource] of [
      ['', 'secrets'],
      ['', 'namespaces'],
      ['apps', 'deployments'],
      ['example.com', 'widgets'],
    ] as const) {
      expect(allows(rules, group, resource, 'list'), `${group}/${resource}`).toBe(true);
    }
    expect(rules.flatMap((r) => r.verbs).sort()).toEqual(['get', 'list', 'watch']);
  });

  it('binds each role to the group the access entries name', () => {
    const bindings = docs.filter((d) => d.kind === 'ClusterRoleBinding');
    expect(bindings.map((b) => [b.roleRef.name, b.subjects.map((s: { name: string }) => s.name)])).toEqual([
      ['syncwave-deployer-cluster-scoped', ['syncwave:deployer']],
      ['syncwave-observer', ['syncwave:observer']],
    ]);
  });
});
