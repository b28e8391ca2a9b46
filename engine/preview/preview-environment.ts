import { loadRepoConfig } from '../config/load-repo-config.ts';
import { errorMessage } from '../errors.ts';
import { affectedApps } from '../job/affected-apps.ts';
import type { EngineDeps } from '../job/engine-deps.ts';
import type { Environment } from '../model.ts';
import { renderForConfig } from '../render/render-for-config.ts';
import { shortRevision } from '../short-revision.ts';
import { dryRunOnly } from './dry-run-only.ts';
import { previewApp } from './preview-app.ts';
import { type AppPreview, outcomeOf, type PreviewReport } from './preview-report.ts';

export interface PreviewRequest {
  env: string;
  /** The commit to preview (a pull request's head). */
  revision: string;
  /** Paths the change touches; computed from the merge base with the environment's branch when absent. */
  changedPaths?: string[] | 'all';
}

export type PreviewDeps = Pick<
  EngineDeps,
  'source' | 'clusterFor' | 'state' | 'tools' | 'cacheDir' | 'renderLimits'
>;

/**
 * What merging `revision` into the environment's branch would do to the cluster: the apps the
 * change touches (paths changed since the merge base, as for a push), each rendered at the
 * revision and dry-run against live. Reads and dry runs only; never a lease, never a write.
 */
export async function previewEnvironment(req: PreviewRequest, deps: PreviewDeps): Promise<PreviewReport> {
  const report = (partial: Partial<PreviewReport> & Pick<PreviewReport, 'outcome'>): PreviewReport => ({
    env: req.env,
    revision: req.revision,
    apps: [],
    notes: [],
    ...partial,
  });
  const checkout = await deps.source.checkout(req.revision);
  const loaded = await loadRepoConfig(checkout.dir, { render: renderForConfig(checkout, deps) });
  if (!loaded.ok)
    return report({
      outcome: 'failed',
      notes: [`${loaded.subject} at ${shortRevision(req.revision)} is invalid: ${loaded.errors.join('; ')}`],
    });
  const env = loaded.config.environment(req.env);
  if (!env)
    return report({
      outcome: 'failed',
      notes: [`environment ${req.env} is not declared in syncwave.yaml at ${shortRevision(req.revision)}`],
    });
  const { base, changed } = await changedSince(env.branch, req, deps);
  const apps = affectedApps(loaded.config.apps(env.name), changed).sort(
    (a, b) => a.wave - b.wave || a.name.localeCompare(b.name),
  );
  if (!apps.length)
    return report({
      outcome: 'clean',
      ...base,
      notes: [...(base.notes ?? []), 'no app is affected by this change'],
    });
  const bound = await boundCluster(env, deps);
  const cluster = dryRunOnly(await deps.clusterFor({ ...env, cluster: bound.cluster }));
  if (bound.note) base.notes = [...(base.notes ?? []), bound.note];
  const previews: AppPreview[] = [];
  for (const app of apps)
    previews.push(
      await previewApp(app, checkout, {
        cluster,
        state: deps.state,
        tools: deps.tools,
        cacheDir: deps.cacheDir,
        ...(deps.renderLimits ? { renderLimits: deps.renderLimits } : {}),
      }),
    );
  return report({ outcome: outcomeOf(previews), ...base, apps: previews });
}

/**
 * The cluster the environment is bound to on its branch, not in the change: a pull request that
 * edits `cluster:` in syncwave.yaml is previewed against the cluster the branch deploys to now.
 */
async function boundCluster(
  env: Environment,
  deps: Pick<PreviewDeps, 'source'>,
): Promise<{ cluster: string; note?: string }> {
  try {
    const tip = await deps.source.checkout(await deps.source.resolve(env.branch));
    const loaded = await loadRepoConfig(tip.dir);
    const onBranch = loaded.ok ? loaded.config.environment(env.name) : undefined;
    if (!onBranch || onBranch.cluster === env.cluster) return { cluster: env.cluster };
    return {
      cluster: onBranch.cluster,
      note: `this change binds ${env.name} to cluster ${env.cluster}; previewed against ${onBranch.cluster}, the cluster branch ${env.branch} deploys to now`,
    };
  } catch {
    return { cluster: env.cluster };
  }
}

/** Paths changed from the merge base of the branch tip and the revision (GitHub's three-dot compare). */
async function changedSince(
  branch: string,
  req: PreviewRequest,
  deps: Pick<PreviewDeps, 'source'>,
): Promise<{ base: { base?: string; notes?: string[] }; changed: string[] | 'all' }> {
  if (req.changedPaths) return { base: {}, changed: req.changedPaths };
  const { source } = deps;
  let tip: string;
  try {
    tip = await source.resolve(branch);
  } catch (error) {
    // No branch yet (the first merge creates it), or it cannot be read: every app counts as touched.
    const notes = [`branch ${branch} not found (${errorMessage(error)}): every app is previewed`];
    return { base: { notes }, changed: 'all' };
  }
  const base = (await source.mergeBase?.(tip, req.revision)) ?? tip;
  const changed = (await source.changedPaths?.(base, req.revision)) ?? 'all';
  return { base: { base }, changed };
}
