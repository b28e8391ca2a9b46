import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AppSpec, RemoteChart, SourceType } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import type { Checkout, ToolRunner } from '../ports.ts';
import { assignNamespaces, type IsNamespaced } from './assign-namespaces.ts';
import { detectSourceType } from './detect-source-type.ts';
import { type Rendered, type RenderFailure, type RenderResult, renderError } from './errors.ts';
import { fetchChart } from './fetch-chart.ts';
import { findOversizedFile } from './find-oversized-file.ts';
import { mapHelmHooks } from './helm-hooks.ts';
import { findOutOfBoundsSymlink, type OutOfBoundsSymlink } from './out-of-bounds-symlinks.ts';
import { renderDirectory } from './render-directory.ts';
import { renderHelm } from './render-helm.ts';
import { renderKustomize } from './render-kustomize.ts';
import { formatBytes, type RenderLimits, renderLimits } from './render-limits.ts';
import { repoRelative, resolveInside } from './repo-path.ts';
import { stageRepoValueFiles } from './repo-value-files.ts';
import { TRACKING_ANNOTATION, withTracking } from './tracking.ts';

export interface RenderDeps {
  tools: ToolRunner;
  /** Writable directory for fetched chart dependencies and scratch files; outside the checkout. */
  cacheDir: string;
  /** Discovery; without it the built-in table and CRDs in the render set decide scope. */
  isNamespaced?: IsNamespaced;
  /** The cluster's version for helm's Capabilities.KubeVersion (`--kube-version`). */
  kubeVersion?: string;
  /** Overrides of DEFAULT_RENDER_LIMITS (file size, rendered size, object count, aliases, tool time). */
  limits?: Partial<RenderLimits>;
}

/**
 * The desired objects of an app at a checked-out revision: rendered by its source type
 * (detected from the files unless the app forces one), helm hooks mapped to Argo CD hooks,
 * namespaces assigned, and every object marked with its tracking id and app/env labels.
 * Expected failures (bad YAML, a failing chart, a missing value file) are results.
 *
 * The checkout is a jail: before anything renders, a symlink anywhere in it that leaves it
 * fails the render naming the link (see findOutOfBoundsSymlink), and a file of the app larger
 * than the limit fails it naming the file, before a byte is read. Limits: DEFAULT_RENDER_LIMITS.
 */
export async function renderApp(app: AppSpec, checkout: Checkout, deps: RenderDeps): Promise<RenderResult> {
  const fail = (failure: RenderFailure, sourceType?: AppSpec['sourceType']): RenderResult => ({
    ok: false,
    error: renderError({ env: app.env.name, name: app.name, sourceType }, failure),
  });
  if (app.helm.chart)
    return renderRemoteChart(app, app.helm.chart, { ...deps, checkoutDir: resolve(checkout.dir) });
  const repoDir = resolve(checkout.dir);
  const appDir = resolveInside(repoDir, repoDir, app.path);
  if (!appDir) return fail({ reason: 'path-outside-repo', file: app.path, detail: `app path ${app.path}` });
  const isDir = await stat(appDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    return fail({
      reason: 'app-path-missing',
      file: app.path,
      detail: `no directory ${app.path} at revision ${checkout.revision}`,
    });
  }
  const limits = renderLimits(deps.limits);
  const jailed = await checkJail(repoDir, appDir, limits, checkoutLinks(checkout, repoDir));
  if (jailed) return fail(jailed, app.sourceType);

  // spec.source.kustomize makes the app a Kustomize app, as Argo CD's explicit source type does.
  const sourceType = app.sourceType ?? (app.kustomize ? 'kustomize' : await detectSourceType(appDir));
  let rendered: Rendered;
  if (sourceType === 'helm') {
    rendered = await renderHelm({ app, repoDir, appDir, ...deps, limits });
  } else if (sourceType === 'kustomize') {
    rendered = await renderKustomize({
      repoDir,
      appDir,
      tools: deps.tools,
      cacheDir: deps.cacheDir,
      limits,
      ...(app.kustomize
        ? {
            edits: {
              kustomize: app.kustomize,
              vars: argoBuildEnv(app, checkout.revision),
              scratchDir: deps.cacheDir,
            },
          }
        : {}),
    });
  } else {
    rendered = await renderDirectory({ repoDir, appDir, directory: app.directory, limits });
  }
  return finishRender(app, rendered, sourceType, { deps, limits, fail });
}

/**
 * Argo CD's build environment, as far as syncwave knows it (no project, no repository URL or
 * target revision: those are empty, as Argo CD leaves a variable it does not know).
 */
function argoBuildEnv(app: AppSpec, revision: string): Record<string, string> {
  return {
    ARGOCD_APP_NAME: app.name,
    ARGOCD_APP_NAMESPACE: app.namespace,
    ARGOCD_APP_REVISION: revision,
    ARGOCD_APP_REVISION_SHORT: revision.slice(0, 7),
    ARGOCD_APP_REVISION_SHORT_8: revision.slice(0, 8),
    ARGOCD_APP_SOURCE_PATH: app.path,
  };
}

/** An app whose chart comes from a chart repository or an OCI registry: pulled (or cached), then rendered as any chart. */
async function renderRemoteChart(
  app: AppSpec,
  chart: RemoteChart,
  deps: RenderDeps & { checkoutDir: string },
): Promise<RenderResult> {
  const fail = (failure: RenderFailure): RenderResult => ({
    ok: false,
    error: renderError({ env: app.env.name, name: app.name, sourceType: 'helm' }, failure),
  });
  const limits = renderLimits(deps.limits);
  const fetched = await fetchChart(chart, { tools: deps.tools, cacheDir: deps.cacheDir, limits });
  if (!fetched.ok) return fail(fetched.failure);
  try {
    const jailed = await checkJail(fetched.chartDir, fetched.chartDir, limits);
    if (jailed) return fail(jailed);
    const staged = await stageRepoValueFiles(app, fetched.chartDir, {
      checkoutDir: deps.checkoutDir,
      cacheDir: deps.cacheDir,
      limits,
    });
    if (!staged.ok) return fail(staged.failure);
    try {
      const rendered = await renderHelm({
        ...deps,
        app: staged.app,
        repoDir: staged.repoDir,
        appDir: staged.chartDir,
        limits,
      });
      return await finishRender(app, rendered, 'helm', { deps, limits, fail });
    } finally {
      await staged.cleanup();
    }
  } finally {
    await fetched.cleanup();
  }
}

/** Helm hooks mapped, namespaces assigned, tracking written, limits and duplicates checked. */
async function finishRender(
  app: AppSpec,
  rendered: Rendered,
  sourceType: SourceType,
  ctx: { deps: RenderDeps; limits: RenderLimits; fail: (f: RenderFailure, t?: SourceType) => RenderResult },
): Promise<RenderResult> {
  const { deps, limits, fail } = ctx;
  if (!rendered.ok) return fail(rendered.failure, sourceType);
  if (rendered.objects.length > limits.maxObjects) {
    return fail(
      {
        reason: 'limit-exceeded',
        file: app.path,
        detail: `renders ${rendered.objects.length} objects, more than the limit of ${limits.maxObjects}`,
      },
      sourceType,
    );
  }
  const hooked = mapHelmHooks(rendered.objects);
  const placed = await assignNamespaces(hooked, app.namespace, deps.isNamespaced);
  const objects = placed.map((o) => withTracking(app.env.name, app.name, o));
  const duplicate = findDuplicate(objects);
  if (duplicate) {
    return fail(
      { reason: 'duplicate-object', file: app.path, detail: `${duplicate} is rendered twice` },
      sourceType,
    );
  }
  return { ok: true, objects, sourceType };
}

/**
 * The walk of the whole checkout for links that leave it, once per Checkout (a job renders all
 * its apps from one): walking it again for every app made a job of n apps read n x n
 * directories (issue 13: most of a 300-app push's render time). A new checkout (the next
 * job, another revision) is walked anew.
 */
const linksByCheckout = new WeakMap<Checkout, Map<string, Promise<OutOfBoundsSymlink | undefined>>>();

function checkoutLinks(checkout: Checkout, repoDir: string): Promise<OutOfBoundsSymlink | undefined> {
  let byDir = linksByCheckout.get(checkout);
  if (!byDir) {
    byDir = new Map();
    linksByCheckout.set(checkout, byDir);
  }
  let found = byDir.get(repoDir);
  if (!found) {
    found = findOutOfBoundsSymlink(repoDir);
    byDir.set(repoDir, found);
  }
  return found;
}

/** An out-of-bounds symlink anywhere in the checkout, or a file of the app over the size limit. */
async function checkJail(
  repoDir: string,
  appDir: string,
  limits: RenderLimits,
  links: Promise<OutOfBoundsSymlink | undefined> = findOutOfBoundsSymlink(repoDir),
): Promise<RenderFailure | undefined> {
  const link = await links;
  if (link) {
    return {
      reason: 'symlink-outside-repo',
      file: link.file,
      detail: `symlink to ${link.target} leaves the repository`,
    };
  }
  const big = await findOversizedFile(appDir, limits.maxFileBytes);
  if (big) {
    const file = repoRelative(repoDir, big.path);
    return {
      reason: 'limit-exceeded',
      file,
      detail: `the file is ${formatBytes(big.size)}, more than the ${formatBytes(limits.maxFileBytes)} limit of one repository file`,
    };
  }
  return undefined;
}

/** The tracking id of an object rendered twice (hooks with generateName excepted). */
function findDuplicate(objects: KubeObject[]): string | undefined {
  const seen = new Set<string>();
  for (const o of objects) {
    if (!o.metadata.name) continue;
    const id = o.metadata.annotations?.[TRACKING_ANNOTATION] as string;
    if (seen.has(id)) return id.split(':').slice(2).join(':');
    seen.add(id);
  }
  return undefined;
}
