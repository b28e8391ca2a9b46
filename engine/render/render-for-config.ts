import type { RenderApplication } from '../config/expand-app-of-apps.ts';
import type { Checkout } from '../ports.ts';
import { type RenderDeps, renderApp } from './render-app.ts';

/**
 * The renderer loadRepoConfig asks to render a root Application (app of apps) of a checkout:
 * the same renderApp every app goes through, so a root's chart, Kustomization or directory
 * renders exactly as an app's would.
 */
export function renderForConfig(checkout: Checkout, deps: RenderDeps): RenderApplication {
  return async (app) => {
    const result = await renderApp(app, checkout, deps);
    return result.ok ? { ok: true, objects: result.objects } : { ok: false, message: result.error.message };
  };
}
