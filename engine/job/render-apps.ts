import type { AppSpec } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import type { Checkout } from '../ports.ts';
import { type RenderDeps, renderApp } from '../render/render-app.ts';

export type RenderedApps =
  | { ok: true; objects: Map<string, KubeObject[]> }
  | { ok: false; failures: Array<{ app: AppSpec; message: string }> };

/** Renders every app before anything is applied, so a render error leaves the cluster untouched. */
export async function renderApps(
  apps: readonly AppSpec[],
  checkout: Checkout,
  deps: RenderDeps,
): Promise<RenderedApps> {
  const objects = new Map<string, KubeObject[]>();
  const failures: Array<{ app: AppSpec; message: string }> = [];
  for (const app of apps) {
    const result = await renderApp(app, checkout, deps);
    if (result.ok) objects.set(app.name, result.objects);
    else failures.push({ app, message: result.error.message });
  }
  return failures.length ? { ok: false, failures } : { ok: true, objects };
}
