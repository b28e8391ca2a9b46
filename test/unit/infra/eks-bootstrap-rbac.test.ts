/**
 * infra/eks-bootstrap-rbac.yaml as data: what the deployer, observer and previewer groups may do. The same
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
      ['syncwave-previewer', ['syncwave:previewer']],
    ]);
  });

  it('lets the previewer authorize a dry run of what the deployer writes, and never impersonate or touch admission objects', () => {
    const rules = rulesOf('syncwave-previewer');
    expect(allows(rules, 'apps', 'deployments', 'patch')).toBe(true);
    expect(allows(rules, '', 'secrets', 'delete')).toBe(true);
    expect(allows(rules, '', 'namespaces', 'create')).toBe(true);
    expect(allows(rules, 'apiextensions.k8s.io', 'customresourcedefinitions', 'patch')).toBe(true);
    expect(rules.flatMap((r) => r.verbs)).not.toContain('impersonate');
    expect(rules.flatMap((r) => r.verbs)).not.toContain('*');
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      for (const resource of ['validatingadmissionpolicybindings', 'validatingadmissionpolicies']) {
        expect(allows(rules, 'admissionregistration.k8s.io', resource, verb), `${verb} ${resource}`).toBe(
          false,
        );
      }
      // Core subresources act at once (a token, an exec): only named core kinds are writable.
      expect(allows(rules, '', 'serviceaccounts/token', verb)).toBe(false);
      expect(allows(rules, '', 'pods/exec', verb)).toBe(false);
    }
  });

  it('puts a policy that denies the previewer every write that is not a dry run, before its role', () => {
    const policyAt = docs.findIndex((d) => d.kind === 'ValidatingAdmissionPolicy');
    const policy = docs[policyAt];
    expect(policy.metadata.name).toBe('syncwave-previewer-dry-run-only');
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints.resourceRules).toEqual([
      expect.objectContaining({
        apiGroups: ['*'],
        resources: ['*/*'],
        operations: ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'],
      }),
    ]);
    expect(policy.spec.matchConditions.map((c: { expression: string }) => c.expression)).toEqual([
      "'syncwave:previewer' in request.userInfo.groups",
    ]);
    expect(policy.spec.validations.map((v: { expression: string }) => v.expression)).toEqual([
      'has(request.dryRun) && request.dryRun == true',
    ]);
    const binding = docs.find((d) => d.kind === 'ValidatingAdmissionPolicyBinding');
    expect(binding.spec).toEqual({ policyName: policy.metadata.name, validationActions: ['Deny'] });
    const roleAt = docs.findIndex(
      (d) => d.kind === 'ClusterRole' && d.metadata.name === 'syncwave-previewer',
    );
    expect(docs.indexOf(binding)).toBeLessThan(roleAt);
    expect(policyAt).toBeLessThan(roleAt);
  });
});
