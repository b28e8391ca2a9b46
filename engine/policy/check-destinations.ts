import type { AppSpec } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import { describeObject } from '../object-key.ts';
import { apiGroup } from '../render/api-group.ts';
import type { DestinationPolicy, PolicySet } from './destination-policy.ts';
import { matchGlob } from './match-glob.ts';

/** Whether a kind is namespaced: from discovery when the cluster knows it, else from the render. */
export type ScopeOf = (obj: KubeObject) => Promise<boolean>;

export interface CheckDestinationsInput {
  env: string;
  apps: ReadonlyArray<{ app: AppSpec; objects: readonly KubeObject[] }>;
  /** The operator's policy; undefined: every destination is allowed (no --policy given). */
  policy: PolicySet | undefined;
  scopeOf: ScopeOf;
}

export interface PolicyFailure {
  app: AppSpec;
  message: string;
}

const list = (items: string[]): string => (items.length ? items.join(', ') : 'none');

/**
 * Every object of every app of a job against the environment's destination policy, before
 * anything is written: a namespaced object must be in an allowed namespace (and so must the
 * app's own namespace, which CreateNamespace would create), a cluster-scoped object's group/kind
 * must be allowed. One failure per app, naming each object outside the policy.
 */
export async function checkDestinations(input: CheckDestinationsInput): Promise<PolicyFailure[]> {
  const { policy } = input;
  if (!policy) return [];
  const rules: DestinationPolicy | undefined = policy.environments[input.env];
  const by = `for environment ${input.env} by policy ${policy.source}`;
  const failures: PolicyFailure[] = [];
  for (const { app, objects } of input.apps) {
    if (!rules) {
      failures.push({
        app,
        message: `environment ${input.env} has no entry in policy ${policy.source}: its apps may write nowhere`,
      });
      continue;
    }
    const allowedNamespaces = `allowed: ${list(rules.namespaces)}`;
    const allowedKinds = `allowed: ${list(rules.clusterResources.map((r) => `${r.group}/${r.kind}`))}`;
    const problems: string[] = [];
    if (!rules.namespaces.some((g) => matchGlob(g, app.namespace)))
      problems.push(
        `app ${app.name}: destination namespace ${app.namespace} is not allowed ${by} (${allowedNamespaces})`,
      );
    for (const obj of objects) {
      const namespaced = await input.scopeOf(obj);
      if (namespaced) {
        const ns = obj.metadata.namespace ?? app.namespace;
        if (!rules.namespaces.some((g) => matchGlob(g, ns)))
          problems.push(
            `${describeObject({ kind: obj.kind, namespace: ns, name: obj.metadata.name })}: namespace ${ns} is not allowed ${by} (${allowedNamespaces})`,
          );
        continue;
      }
      const group = apiGroup(obj.apiVersion);
      if (!rules.clusterResources.some((r) => matchGlob(r.group, group) && matchGlob(r.kind, obj.kind)))
        problems.push(
          `${obj.kind}/${obj.metadata.name}: cluster-scoped kind ${group ? `${group}/` : ''}${obj.kind} is not allowed ${by} (${allowedKinds})`,
        );
    }
    if (problems.length) failures.push({ app, message: problems.join('; ') });
  }
  return failures;
}
