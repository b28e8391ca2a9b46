import type { KubeObject } from '../model.ts';
import type { Cluster } from '../ports.ts';

/**
 * Namespaces the app's objects go to that neither exist nor are created by this sync
 * (a Namespace manifest, or CreateNamespace=true). Found before anything is applied, so a
 * missing namespace fails the sync with nothing written rather than halfway through.
 */
export async function missingNamespaces(
  objects: readonly KubeObject[],
  opts: { cluster: Cluster; created?: KubeObject },
): Promise<string[]> {
  const declared = new Set(
    objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1').map((o) => o.metadata.name),
  );
  if (opts.created) declared.add(opts.created.metadata.name);
  const wanted = new Set(
    objects.map((o) => o.metadata.namespace).filter((ns): ns is string => !!ns && !declared.has(ns)),
  );
  const missing: string[] = [];
  for (const ns of wanted) {
    if (!(await opts.cluster.get('v1', 'Namespace', ns))) missing.push(ns);
  }
  return missing.sort();
}
