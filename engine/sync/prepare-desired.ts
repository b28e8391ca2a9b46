import type { AppSpec } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import type { Cluster } from '../ports.ts';
import { assignNamespaces } from '../render/assign-namespaces.ts';
import { TRACKING_ANNOTATION, trackingId } from '../render/tracking.ts';
import { type HookRun, nameGeneratedHooks } from './generated-hooks.ts';
import { isArgoCdObject } from './owned-by-app.ts';

/**
 * Final touches before planning: Argo CD's own objects (Applications...) left out, namespaces where the chart did not put them, names for this
 * sync's runs of generateName hooks (left out without `hookRun`), the tracking annotation
 * computed on the final identity, and the app's Namespace when CreateNamespace=true. Returns the
 * objects to sync and the namespace to create, if any.
 */
export async function prepareDesired(
  app: AppSpec,
  rendered: readonly KubeObject[],
  cluster: Cluster,
  opts: { hookRun?: HookRun } = {},
): Promise<{ objects: KubeObject[]; createNamespace?: KubeObject }> {
  const placed = await assignNamespaces(
    nameGeneratedHooks(
      rendered.filter((o) => !isArgoCdObject(o)),
      opts.hookRun,
    ),
    app.namespace,
    async (apiVersion, kind) => {
      const info = await cluster.kindInfo(apiVersion, kind);
      return info?.namespaced;
    },
  );
  const objects = placed.map((obj) => {
    const copy = structuredClone(obj);
    copy.metadata.annotations = {
      ...copy.metadata.annotations,
      [TRACKING_ANNOTATION]: trackingId(app.env.name, app.name, copy),
    };
    return copy;
  });
  const declaresNamespace = objects.some((o) => o.kind === 'Namespace' && o.metadata.name === app.namespace);
  if (!app.syncPolicy.syncOptions.createNamespace || declaresNamespace) return { objects };
  return {
    objects,
    createNamespace: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: app.namespace, labels: { 'app.kubernetes.io/managed-by': 'syncwave' } },
    },
  };
}
