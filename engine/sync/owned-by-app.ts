import type { AppSpec } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import { parseTrackingId, TRACKING_ANNOTATION } from '../render/tracking.ts';

export const ARGO_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
export const ARGO_INSTANCE_LABEL = 'app.kubernetes.io/instance';

/**
 * The app an Argo CD install tracks an object under: its `argocd.argoproj.io/tracking-id`
 * annotation (`<app>:<group>/<kind>:<namespace>/<name>`, the app as `<namespace>_<app>` for apps
 * outside Argo CD's namespace), else its `app.kubernetes.io/instance` label (the older default).
 */
export function argoAppOf(live: KubeObject): string | undefined {
  const id = live.metadata.annotations?.[ARGO_TRACKING_ANNOTATION];
  if (id?.includes(':')) return id.slice(0, id.indexOf(':')).replace(/^.*_/, '');
  return live.metadata.labels?.[ARGO_INSTANCE_LABEL];
}

/** True when a live object's syncwave tracking annotation names this app in this environment (prune asks this). */
export function ownedByApp(app: Pick<AppSpec, 'name' | 'env'>): (live: KubeObject) => boolean {
  return (live) => {
    const id = parseTrackingId(live.metadata.annotations?.[TRACKING_ANNOTATION] ?? '');
    return id?.env === app.env.name && id?.app === app.name;
  };
}

/**
 * ownedByApp, or an object syncwave never wrote that Argo CD tracks under an app of the same
 * name: applying asks this, so such objects are taken over in place (server-side apply with
 * force: the same object, the same uid), the way an app moves from Argo CD to syncwave. Prune
 * still asks ownedByApp: an object is pruned only once syncwave has written it.
 */
export function ownedOrAdoptable(app: Pick<AppSpec, 'name' | 'env'>): (live: KubeObject) => boolean {
  const owned = ownedByApp(app);
  return (live) =>
    live.metadata.annotations?.[TRACKING_ANNOTATION] === undefined
      ? argoAppOf(live) === app.name
      : owned(live);
}

/** Argo CD's own objects (Applications, ApplicationSets, AppProjects): read as configuration, never applied. */
export function isArgoCdObject(obj: KubeObject): boolean {
  return (
    obj.apiVersion.startsWith('argoproj.io/') &&
    ['Application', 'ApplicationSet', 'AppProject'].includes(obj.kind)
  );
}
