import type { AppSpec } from '../app-spec.ts';
import type { Environment, KubeObject } from '../model.ts';
import type { Cluster } from '../ports.ts';
import { apiGroup } from '../render/api-group.ts';
import { CLUSTER_SCOPED_KINDS } from '../render/cluster-scoped-kinds.ts';
import { checkDestinations, type PolicyFailure, type ScopeOf } from './check-destinations.ts';
import type { PolicySet } from './destination-policy.ts';

/**
 * A kind's scope as the apply will see it: the cluster's discovery, else a CustomResourceDefinition
 * among the rendered objects, else the built-in table of cluster-scoped kinds.
 */
export function scopeFromCluster(cluster: Cluster, rendered: readonly KubeObject[]): ScopeOf {
  const crds = new Map<string, boolean>();
  for (const obj of rendered) {
    if (obj.kind !== 'CustomResourceDefinition') continue;
    const spec = obj.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.group !== undefined && spec.names?.kind)
      crds.set(`${spec.group}/${spec.names.kind}`, spec.scope !== 'Cluster');
  }
  return async (obj) => {
    const info = await cluster.kindInfo(obj.apiVersion, obj.kind).catch(() => undefined);
    if (info) return info.namespaced;
    const groupKind = `${apiGroup(obj.apiVersion)}/${obj.kind}`;
    return crds.get(groupKind) ?? !CLUSTER_SCOPED_KINDS.has(groupKind);
  };
}

/** The job's destination check, after every app rendered and before anything is written. */
export async function policyFailures(input: {
  policy: PolicySet | undefined;
  env: Environment;
  apps: readonly AppSpec[];
  objects: ReadonlyMap<string, readonly KubeObject[]>;
  cluster: () => Promise<Cluster>;
}): Promise<PolicyFailure[]> {
  const policies = effectivePolicies(input.policy, input.env);
  if (!policies.length) return [];
  const all = [...input.objects.values()].flat();
  const scopeOf = scopeFromCluster(await input.cluster(), all);
  const apps = input.apps.map((app) => ({ app, objects: input.objects.get(app.name) ?? [] }));
  const byApp = new Map<string, PolicyFailure>();
  for (const policy of policies) {
    for (const failure of await checkDestinations({ env: input.env.name, apps, policy, scopeOf })) {
      const seen = byApp.get(failure.app.name);
      byApp.set(
        failure.app.name,
        seen ? { app: seen.app, message: `${seen.message}; ${failure.message}` } : failure,
      );
    }
  }
  return [...byApp.values()];
}

/**
 * The policies an environment's objects must all pass: the operator's (outside the repository)
 * and syncwave.yaml's own `environments.<env>.policy`. An object must be allowed by both, so the
 * repository can narrow what the operator allows but never widen it; with no operator policy the
 * repository's rules alone apply.
 */
export function effectivePolicies(operator: PolicySet | undefined, env: Environment): PolicySet[] {
  const policies: PolicySet[] = operator ? [operator] : [];
  if (env.policy)
    policies.push({
      source: `syncwave.yaml (environments.${env.name}.policy)`,
      environments: { [env.name]: env.policy },
    });
  return policies;
}
