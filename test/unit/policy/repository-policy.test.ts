// syncwave.yaml's environments.<env>.policy narrows the operator's destination policy and can
// never widen it: an object must pass both. Read through the real config loader.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../engine/app-spec.ts';
import { loadRepoConfig } from '../../../engine/config/load-repo-config.ts';
import type { Environment, KubeObject } from '../../../engine/model.ts';
import { checkDestinations, type ScopeOf } from '../../../engine/policy/check-destinations.ts';
import { type PolicySet, parseDestinationPolicy } from '../../../engine/policy/destination-policy.ts';
import { effectivePolicies } from '../../../engine/policy/policy-preflight.ts';

const OPERATOR = `environments:
  dev:
    namespaces: ["dev-*"]
    clusterResources: ["/Namespace"]
`;

function operator(): PolicySet {
  const parsed = parseDestinationPolicy(OPERATOR, 'ops/policy.yaml');
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.policy;
}

async function environment(policyYaml: string): Promise<Environment> {
  const dir = await mkdtemp(join(tmpdir(), 'sw-repo-policy-'));
  await writeFile(
    join(dir, 'syncwave.yaml'),
    `environments:\n  dev:\n    branch: develop\n${policyYaml}apps: []\n`,
  );
  const loaded = await loadRepoConfig(dir);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const env = loaded.config.environment('dev');
  if (!env) throw new Error('no environment dev');
  return env;
}

const app = (name: string, namespace: string): AppSpec => ({ name, namespace }) as unknown as AppSpec;
const cm = (name: string, namespace: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
});
const scopeOf: ScopeOf = async (o) => !['Namespace', 'ClusterRole'].includes(o.kind);

async function failures(env: Environment, objects: Array<{ app: AppSpec; objects: KubeObject[] }>) {
  const out: string[] = [];
  for (const policy of effectivePolicies(operator(), env))
    for (const f of await checkDestinations({ env: env.name, apps: objects, policy, scopeOf }))
      out.push(f.message);
  return out;
}

describe('the repository narrows the destination policy', () => {
  it('an object the operator allows but syncwave.yaml does not is refused, naming syncwave.yaml', async () => {
    const env = await environment('    policy: { namespaces: ["dev-web"] }\n');
    expect(env.policy?.namespaces).toEqual(['dev-web']);
    const refused = await failures(env, [
      { app: app('api', 'dev-api'), objects: [cm('settings', 'dev-api')] },
    ]);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain('ConfigMap/dev-api/settings: namespace dev-api is not allowed');
    expect(refused[0]).toContain('syncwave.yaml (environments.dev.policy)');
    expect(await failures(env, [{ app: app('web', 'dev-web'), objects: [cm('a', 'dev-web')] }])).toEqual([]);
  });

  it('syncwave.yaml cannot widen it: allowing kube-system and ClusterRoles there changes nothing', async () => {
    const env = await environment(
      '    policy: { namespaces: ["*"], clusterResources: ["rbac.authorization.k8s.io/ClusterRole"] }\n',
    );
    const refused = await failures(env, [
      {
        app: app('sneaky', 'kube-system'),
        objects: [
          cm('x', 'kube-system'),
          { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'admin2' } },
        ],
      },
    ]);
    expect(refused.join('\n')).toContain('ConfigMap/kube-system/x: namespace kube-system is not allowed');
    expect(refused.join('\n')).toContain('ClusterRole/admin2: cluster-scoped kind');
    expect(refused.join('\n')).toContain('by policy ops/policy.yaml');
  });

  it('a bad policy in syncwave.yaml is a config error naming the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sw-repo-policy-'));
    await writeFile(
      join(dir, 'syncwave.yaml'),
      'environments:\n  dev:\n    branch: develop\n    policy: { namespaces: "dev-*" }\napps: []\n',
    );
    const loaded = await loadRepoConfig(dir);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.errors.join('\n')).toMatch(/environments\.dev\.policy\.namespaces/);
  });

  it('with no operator policy, the repository rules alone apply', () => {
    const env: Environment = {
      name: 'dev',
      branch: 'develop',
      cluster: 'dev',
      policy: { namespaces: ['a'], clusterResources: [] },
    };
    expect(effectivePolicies(undefined, env).map((p) => p.source)).toEqual([
      'syncwave.yaml (environments.dev.policy)',
    ]);
    expect(effectivePolicies(undefined, { ...env, policy: undefined })).toEqual([]);
  });
});
