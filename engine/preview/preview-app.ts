import type { AppSpec } from '../app-spec.ts';
import { diffObject, type ObjectDiff } from '../diff/diff-object.ts';
import type { EngineDeps } from '../job/engine-deps.ts';
import type { KubeObject } from '../model.ts';
import { describeObject } from '../object-key.ts';
import type { Checkout, Cluster, StateStore, ToolRunner } from '../ports.ts';
import { renderApp } from '../render/render-app.ts';
import { diffApp } from '../sync/diff-app.ts';
import { ownedByApp } from '../sync/owned-by-app.ts';
import { prepareDesired } from '../sync/prepare-desired.ts';
import type { AppPreview, PreviewAction, PreviewObject } from './preview-report.ts';

export interface PreviewAppDeps {
  /** Reads and dry runs only (dryRunOnly()). */
  cluster: Cluster;
  state: StateStore;
  tools: ToolRunner;
  cacheDir: string;
  /** The operator's render limits (EngineDeps.renderLimits), as for a sync's render. */
  renderLimits?: EngineDeps['renderLimits'];
}

/**
 * One app at a revision against its live cluster: rendered, each object predicted by a
 * server-side dry-run apply (diffApp), and sorted into created / changed / pruned / rejected.
 * Nothing is written.
 */
export async function previewApp(
  app: AppSpec,
  checkout: Checkout,
  deps: PreviewAppDeps,
): Promise<AppPreview> {
  const base = { app: app.name, wave: app.wave, notes: notesOf(app) };
  const rendered = await renderApp(app, checkout, {
    tools: deps.tools,
    cacheDir: deps.cacheDir,
    limits: deps.renderLimits,
  });
  if (!rendered.ok)
    return {
      ...base,
      status: 'render-failed',
      error: rendered.error.message,
      ...(rendered.error.file ? { file: rendered.error.file } : {}),
    };
  const diff = await diffApp(app, rendered.objects, { cluster: deps.cluster, state: deps.state });
  const prepared = await prepareDesired(app, rendered.objects, deps.cluster);
  const rejectedKeys = new Set(diff.rejected.map((r) => r.key));
  const objects: PreviewObject[] = [];
  for (const d of diff.objects) {
    if (d.change === 'unchanged' || rejectedKeys.has(d.key)) continue;
    objects.push(await previewObject(app, d, deps.cluster));
  }
  const namespace = await namespaceToCreate(app, prepared.createNamespace, deps.cluster);
  if (namespace) objects.unshift(namespace);
  if (diff.rejected.length)
    return {
      ...base,
      status: 'rejected',
      objects,
      rejected: diff.rejected.map((r) => ({ object: objectOfKey(r.key), message: r.message })),
    };
  return objects.length
    ? { ...base, status: 'changes', objects }
    : { ...base, status: 'unchanged', objects: [] };
}

function notesOf(app: AppSpec): string[] {
  if (!app.syncPolicy.automated)
    return [`no automated sync policy: merging deploys nothing until "syncwave app sync ${app.name}"`];
  return [];
}

function actionOf(app: AppSpec, change: ObjectDiff['change']): PreviewAction {
  if (change === 'added') return 'create';
  if (change === 'modified') return 'update';
  const prunes = (app.syncPolicy.automated?.prune ?? false) && app.syncPolicy.syncOptions.prune;
  return prunes ? 'prune' : 'orphan';
}

/**
 * diffApp's view of one object (Secret values masked by diffObject already). A changed object the
 * app does not own yet (no tracking id of this app on it) would be taken over: it is listed as
 * 'adopt' without its diff or fields, so a pull request cannot read live objects it names.
 */
async function previewObject(app: AppSpec, d: ObjectDiff, cluster: Cluster): Promise<PreviewObject> {
  const object = describeObject(d);
  if (d.change === 'modified') {
    const live = await cluster.get(d.apiVersion, d.kind, d.name, d.namespace);
    if (!live || !ownedByApp(app)(live)) return { object, action: 'adopt', paths: [], diff: '' };
  }
  return { object, action: actionOf(app, d.change), paths: d.paths, diff: d.unified };
}

/** CreateNamespace=true and the namespace is not there yet: the sync creates it first. */
async function namespaceToCreate(
  app: AppSpec,
  createNamespace: KubeObject | undefined,
  cluster: Cluster,
): Promise<PreviewObject | undefined> {
  if (!createNamespace) return undefined;
  if (await cluster.get('v1', 'Namespace', app.namespace)) return undefined;
  return {
    object: describeObject({ kind: 'Namespace', name: app.namespace }),
    action: 'create',
    paths: [],
    diff: diffObject(undefined, createNamespace).unified,
  };
}

/** `apps/Deployment/ns/name` -> `Deployment/ns/name`. */
function objectOfKey(key: string): string {
  const [, kind = '', namespace = '', name = ''] = key.split('/');
  return describeObject({ kind, name, ...(namespace ? { namespace } : {}) });
}
