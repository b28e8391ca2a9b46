import type { AppSpec } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import { parseTrackingId, TRACKING_ANNOTATION } from '../render/tracking.ts';

/** True when a live object's tracking annotation names this app in this environment. */
export function ownedByApp(app: Pick<AppSpec, 'name' | 'env'>): (live: KubeObject) => boolean {
  return (live) => {
    const id = parseTrackingId(live.metadata.annotations?.[TRACKING_ANNOTATION] ?? '');
    return id?.env === app.env.name && id?.app === app.name;
  };
}
