/**
 * The engine entry points the CLI and `syncwave serve` use, in one place, plus the two
 * compositions the CLI needs on top of them (diff of one app, explanation of an unhealthy app).
 */
import { explainUnhealthy } from '../engine/health/explain-unhealthy.ts';
import {
  type AppSpec,
  describeObject,
  diffApp,
  type EngineDeps,
  type Environment,
  type KubeObject,
} from '../engine/index.ts';
import { renderApp } from '../engine/render/render-app.ts';
import type { ObjectDiff } from './client/api-types.ts';

export {
  type AppSpec,
  checkDrift,
  type DriftReport,
  type EngineDeps,
  hideSecretData,
  type JobResult,
  loadRepoConfig,
  type PreviewReport,
  previewEnvironment,
  type RepoConfig,
  refreshAppHealth,
  renderForConfig,
  runJob,
  setAutomationPaused,
} from '../engine/index.ts';
export { renderApp } from '../engine/render/render-app.ts';

/** What the CLI shows for `diff`: whether the app is in sync and the unified diff per changed object. */
export interface CliAppDiff {
  inSync: boolean;
  revision?: string;
  objects: ObjectDiff[];
}

/** Renders an app at a revision and compares it with its cluster (server-side dry run). */
export async function diffAppForCli(app: AppSpec, deps: EngineDeps, revision: string): Promise<CliAppDiff> {
  const checkout = await deps.source.checkout(revision);
  const rendered = await renderApp(app, checkout, { tools: deps.tools, cacheDir: deps.cacheDir });
  if (!rendered.ok) throw new Error(rendered.error.message);
  const cluster = await deps.clusterFor(app.env);
  const diff = await diffApp(app, rendered.objects, { cluster, state: deps.state });
  // A cluster that cannot be reached or refuses us is an error (exit 2), not drift (exit 1).
  const refused = (diff.rejected as Array<{ key: string; message: string; code?: string }>).find((r) =>
    ['Unavailable', 'Unauthorized', 'Forbidden'].includes(r.code ?? ''),
  );
  if (refused)
    throw new Error(`cannot compare ${app.env.name}/${app.name} with its cluster: ${refused.message}`);
  const objects: ObjectDiff[] = diff.objects
    .filter((o) => o.change !== 'unchanged')
    .map((o) => ({ object: describeObject(o), action: o.change, diff: o.unified }));
  for (const r of diff.rejected) objects.push({ object: r.key, action: 'rejected', diff: r.message });
  return { inSync: !diff.outOfSync && objects.length === 0, revision, objects };
}

/**
 * For every resource of the app that is not Healthy: the reason down the chain
 * (Deployment -> ReplicaSet -> Pod -> container state, warning events), read live.
 */
export async function explainForCli(env: Environment, appName: string, deps: EngineDeps): Promise<string[]> {
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
