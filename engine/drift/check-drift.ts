import type { AppSpec, IgnoreDifference } from '../app-spec.ts';
import { loadRepoConfig } from '../config/load-repo-config.ts';
import { errorMessage } from '../errors.ts';
import type { EngineDeps } from '../job/engine-deps.ts';
import type { Environment, KubeObject } from '../model.ts';
import { keyOf, objectKey } from '../object-key.ts';
import { hookPhasesOf } from '../plan/annotations.ts';
import type { Cluster, Job } from '../ports.ts';
import { renderForConfig } from '../render/render-for-config.ts';
import type { AppState } from '../state.ts';
import { refreshAppHealth } from '../sync/refresh-health.ts';
import { updateAppState } from '../update-app-state.ts';
import { liveDiffers } from './live-differs.ts';

export interface DriftReport {
  env: string;
  head?: string;
  jobs: Job[];
  /** Apps whose live state differs from the last synced desired state. */
  outOfSync: string[];
  drifted: Array<{ app: string; objects: Array<{ key: string; paths: string[] }> }>;
  /** Apps whose live state could not be compared (marked Unknown), with the reason. */
  unknown: Array<{ app: string; reason: string }>;
}

/** One LIST per (apiVersion, kind, namespace), label-selected to the app: few calls, not one GET per object. */
async function liveByKey(
  cluster: Cluster,
  app: string,
  desired: readonly KubeObject[],
): Promise<Map<string, KubeObject>> {
  const groups = new Map<string, { apiVersion: string; kind: string; namespace?: string }>();
  for (const o of desired)
    groups.set(`${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}`, {
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.metadata.namespace,
    });
  const out = new Map<string, KubeObject>();
  for (const g of groups.values()) {
    const items = await cluster.list(g.apiVersion, g.kind, {
      namespace: g.namespace,
      labelSelector: `syncwave.io/app=${app}`,
    });
    for (const item of items)
      out.set(
        objectKey({
          apiVersion: item.apiVersion ?? g.apiVersion,
          kind: item.kind ?? g.kind,
          namespace: item.metadata.namespace,
          name: item.metadata.name,
        }),
        item,
      );
  }
  return out;
}

async function appDrift(
  cluster: Cluster,
  state: AppState,
  desired: readonly KubeObject[],
  ignore: readonly IgnoreDifference[],
): Promise<Array<{ key: string; paths: string[] }>> {
  const live = await liveByKey(cluster, state.app, desired);
  const drifted: Array<{ key: string; paths: string[] }> = [];
  for (const d of desired) {
    if (hookPhasesOf(d)) continue;
    const key = keyOf(d);
    const l = live.get(key);
    if (!l) drifted.push({ key, paths: ['(missing)'] });
    else {
      const paths = liveDiffers(d, l, { ignore });
      if (paths.length) drifted.push({ key, paths });
    }
  }
  return drifted;
}

/** The app's live state could not be compared: Unknown with the reason, in the store and the report. */
async function markUnknown(deps: EngineDeps, report: DriftReport, state: AppState, reason: string) {
  deps.log.warn('drift check failed', { env: report.env, app: state.app, error: reason });
  report.unknown.push({ app: state.app, reason });
  const seen = state.syncedRevision;
  await updateAppState(deps.state, state, (current) =>
    current &&
    current.syncedRevision === seen &&
    !(current.syncStatus === 'Unknown' && current.comparisonError === reason)
      ? {
          ...current,
          syncStatus: 'Unknown',
          comparisonError: reason,
          updatedAt: deps.clock.now().toISOString(),
        }
      : undefined,
  );
}

/**
 * The scheduled check: a branch head that moved without a webhook becomes a `poll`
 * job; an app whose live state drifted becomes a `self-heal` job when its policy says
 * selfHeal, and is marked OutOfSync otherwise.
 */
export async function checkDrift(
  env: Environment,
  deps: EngineDeps,
  opts: { repo: string },
): Promise<DriftReport> {
  const report: DriftReport = { env: env.name, jobs: [], outOfSync: [], drifted: [], unknown: [] };
  const now = deps.clock.now();
  const head = await deps.source.resolve(env.branch);
  report.head = head;
  const envState = await deps.state.getEnvironment(env.name);
  const last = envState?.lastRevision;
  // The environment follows its branch: any head it has not converged to is deployed (a
  // force-push back to an older commit too), once: a head whose job already ended (failed,
  // nothing to do) is not retried by every poll.
  const triedHead = envState?.lastJob?.revision === head && envState.lastJob.outcome !== 'superseded';
  if (head !== last && !triedHead) {
    const changed = last ? await deps.source.changedPaths?.(last, head) : undefined;
    report.jobs.push({
      id: `poll:${env.name}:${head}`,
      repo: opts.repo,
      env: env.name,
      revision: head,
      changedPaths: changed ?? 'all',
      reason: 'poll',
      enqueuedAt: now.toISOString(),
    });
  }
  const checkout = await deps.source.checkout(last ?? head);
  const loaded = await loadRepoConfig(checkout.dir, { render: renderForConfig(checkout, deps) });
  const specs = new Map<string, AppSpec>(
    loaded.ok ? loaded.config.apps(env.name).map((a) => [a.name, a]) : [],
  );
  const cluster = await deps.clusterFor(env);
  for (const listed of await deps.state.listApps(env.name)) {
    let state = listed;
    try {
      state = await refreshAppHealth(listed, { cluster, state: deps.state, clock: deps.clock });
    } catch (error) {
      deps.log.warn('health refresh failed', { env: env.name, app: listed.app, error: errorMessage(error) });
    }
    const syncedRevision = state.syncedRevision;
    if (!syncedRevision) continue;
    const desired = await deps.state.getDesired(env.name, state.app, syncedRevision);
    if (!desired) {
      await markUnknown(
        deps,
        report,
        state,
        `the desired state of revision ${syncedRevision} is not in the state store: sync the app again`,
      );
      continue;
    }
    let drifted: Array<{ key: string; paths: string[] }>;
    try {
      drifted = await appDrift(cluster, state, desired, specs.get(state.app)?.ignoreDifferences ?? []);
    } catch (error) {
      await markUnknown(deps, report, state, `cannot read live objects: ${errorMessage(error)}`);
      continue;
    }
    if (state.comparisonError !== undefined) {
      // Comparable again: the status is what this comparison says.
      const seen = state.syncedRevision;
      const status = drifted.length ? 'OutOfSync' : 'Synced';
      state =
        (await updateAppState(deps.state, state, (current) => {
          if (!current || current.syncedRevision !== seen || current.comparisonError === undefined)
            return undefined;
          const { comparisonError: _, ...rest } = current;
          return { ...rest, syncStatus: status, updatedAt: now.toISOString() };
        })) ?? state;
    }
    if (!drifted.length) continue;
    report.outOfSync.push(state.app);
    report.drifted.push({ app: state.app, objects: drifted });
    const spec = specs.get(state.app);
    deps.log.info('drift found', {
      env: env.name,
      app: state.app,
      objects: drifted.map((d) => `${d.key} ${d.paths.join(',')}`),
    });
    // Heal only from a good state: not while a job is half done, not over a failed sync (as
    // Argo CD, a failed revision is not retried by itself; the next push or `app sync` is).
    const healable =
      !state.automationPaused && !envState?.inProgress && state.lastOperation?.phase === 'Succeeded';
    if (spec?.syncPolicy.automated?.selfHeal && healable) {
      report.jobs.push({
        id: `self-heal:${env.name}:${state.app}:${now.getTime()}`,
        repo: opts.repo,
        env: env.name,
        revision: syncedRevision,
        changedPaths: [],
        reason: 'self-heal',
        apps: [state.app],
        enqueuedAt: now.toISOString(),
      });
    } else if (state.syncStatus !== 'OutOfSync') {
      // On the state as it is now, not the copy this pass read: a sync that finished
      // meanwhile keeps its inventory, and its revision is not marked by this pass's finding.
      const seen = state.syncedRevision;
      await updateAppState(deps.state, state, (current) =>
        current && current.syncedRevision === seen && current.syncStatus !== 'OutOfSync'
          ? { ...current, syncStatus: 'OutOfSync', updatedAt: now.toISOString() }
          : undefined,
      );
    }
  }
  return report;
}
