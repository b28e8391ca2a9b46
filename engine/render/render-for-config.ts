import type { RenderApplication } from '../config/expand-app-of-apps.ts';
import type { Checkout } from '../ports.ts';
import { type RenderDeps, renderApp } from './render-app.ts';
import type { RenderLimits } from './render-limits.ts';

/** RenderDeps, or the engine's deps, whose operator render limits are named `renderLimits`. */
export type ConfigRenderDeps = RenderDeps & { renderLimits?: Partial<RenderLimits> };

/**
 * The renderer loadRepoConfig asks to render a root Application (app of apps) of a checkout:
 * the same renderApp every app goes through, under the same operator limits, so a root's
 * chart, Kustomization or directory renders exactly as an app's would.
 */
export function renderForConfig(checkout: Checkout, deps: ConfigRenderDeps): RenderApplication {
  const renderDeps: RenderDeps = { ...deps, limits: deps.limits ?? deps.renderLimits };
  return async (app) => {
    const result = await renderApp(app, checkout, renderDeps);
    return result.ok ? { ok: true, objects: result.objects } : { ok: false, message: result.error.message };
  };
}
