import { explainUnhealthy } from '../health/explain-unhealthy.ts';
import type { EngineDeps } from '../job/engine-deps.ts';
import type { Environment, KubeObject } from '../model.ts';
import { describeObject } from '../object-key.ts';

/**
 * For every resource of the app that is not Healthy: the reason down the chain
 * (Deployment -> ReplicaSet -> Pod -> container state, warning events), read live.
 */
export async function explainApp(env: Environment, appName: string, deps: EngineDeps): Promise<string[]> {
  const state = await deps.state.getApp(env.name, appName);
  const unhealthy = (state?.resources ?? []).filter((r) => r.health && r.health.status !== 'Healthy');
  if (!state || unhealthy.length === 0) return [];
  try {
    const cluster = await deps.clusterFor(env);
    const related = new Map<
      string,
      { replicaSets: KubeObject[]; pods: KubeObject[]; events: KubeObject[] }
    >();
    const lines: string[] = [];
    for (const r of unhealthy) {
      const live = await cluster.get(r.apiVersion, r.kind, r.name, r.namespace);
      if (!live) {
        lines.push(`${describeObject(r)}: Missing: not in the cluster`);
        continue;
      }
      const ns = r.namespace ?? '';
      let around = related.get(ns);
      if (!around && r.namespace) {
        const [replicaSets, pods, events] = await Promise.all([
          cluster.list('apps/v1', 'ReplicaSet', { namespace: r.namespace }),
          cluster.list('v1', 'Pod', { namespace: r.namespace }),
          cluster.list('v1', 'Event', { namespace: r.namespace }),
        ]);
        around = { replicaSets, pods, events };
        related.set(ns, around);
      }
      lines.push(...explainUnhealthy(live, around ?? {}));
    }
    return lines;
  } catch (err) {
    return [`(could not explain: ${(err as Error).message})`];
  }
}
