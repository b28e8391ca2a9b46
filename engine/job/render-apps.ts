import pLimit from 'p-limit';
import type { AppSpec } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import type { Checkout } from '../ports.ts';
import type { RenderResult } from '../render/errors.ts';
import { type RenderDeps, renderApp } from '../render/render-app.ts';

export type RenderedApps =
  | { ok: true; objects: Map<string, KubeObject[]> }
  | { ok: false; failures: Array<{ app: AppSpec; message: string }> };

/**
 * Apps rendered at once. One at a time, a 300-app push spent most of its render stage waiting
 * on the file system (issue 13); more than a few helm or kustomize processes at once only
 * share the cores, and the Lambda worker's memory.
 */
const RENDER_CONCURRENCY = 4;

/** Renders every app before anything is applied, so a render error leaves the cluster untouched. */
export async function renderApps(
  apps: readonly AppSpec[],
  checkout: Checkout,
  deps: RenderDeps,
): Promise<RenderedApps> {
  const limit = pLimit(RENDER_CONCURRENCY);
  const results: RenderResult[] = await Promise.all(
    apps.map((app) => limit(() => renderApp(app, checkout, deps))),
  );
  const objects = new Map<string, KubeObject[]>();
  const failures: Array<{ app: AppSpec; message: string }> = [];
  for (const [i, result] of results.entries()) {
    const app = apps[i] as AppSpec;
    if (result.ok) objects.set(app.name, result.objects);
    else failures.push({ app, message: result.error.message });
  }
  return failures.length ? { ok: false, failures } : { ok: true, objects };
}
