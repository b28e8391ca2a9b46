import type { KubeObject, ObjectRef } from '../model.ts';
import { apiGroup } from './api-group.ts';

export const TRACKING_ANNOTATION = 'syncwave.io/tracking-id';
export const APP_LABEL = 'syncwave.io/app';
export const ENV_LABEL = 'syncwave.io/env';

/** An object's owner and identity, as written in its tracking annotation. */
export interface TrackingId extends ObjectRef {
  env: string;
  app: string;
}

/**
 * `<env>:<app>:<group>/<kind>:<namespace>/<name>` (Argo CD's tracking-id with the environment
 * in front). The core group and a cluster-scoped object's namespace are empty.
 */
export function trackingId(env: string, app: string, obj: KubeObject): string {
  const name = obj.metadata.name || String(obj.metadata.generateName ?? '');
  return `${env}:${app}:${apiGroup(obj.apiVersion)}/${obj.kind}:${obj.metadata.namespace ?? ''}/${name}`;
}

/** The parts of a tracking id; undefined for anything not in the form trackingId writes. */
export function parseTrackingId(id: string): TrackingId | undefined {
  const m = /^([^:/]+):([^:/]+):([^:/]*)\/([^:/]+):([^:/]*)\/([^:/]+)$/.exec(id);
  if (!m) return undefined;
  const [, env, app, group, kind, namespace, name] = m as unknown as string[];
  return {
    env: env as string,
    app: app as string,
    group: group as string,
    kind: kind as string,
    ...(namespace ? { namespace } : {}),
    name: name as string,
  };
}

/** A copy of `obj` marked as owned by `env`/`app`: the tracking annotation and the two labels. */
export function withTracking(env: string, app: string, obj: KubeObject): KubeObject {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      labels: { ...obj.metadata.labels, [APP_LABEL]: app, [ENV_LABEL]: env },
      annotations: { ...obj.metadata.annotations, [TRACKING_ANNOTATION]: trackingId(env, app, obj) },
    },
  };
}
