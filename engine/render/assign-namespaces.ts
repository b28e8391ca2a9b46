import type { KubeObject } from '../model.ts';
import { apiGroup } from './api-group.ts';
import { CLUSTER_SCOPED_KINDS } from './cluster-scoped-kinds.ts';

/** Discovery: whether a kind is namespaced; undefined when the cluster does not know it (yet). */
export type IsNamespaced = (apiVersion: string, kind: string) => Promise<boolean | undefined>;

/** `group/Kind` -> namespaced, from the CustomResourceDefinitions among the objects. */
function crdScopes(objects: KubeObject[]): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const obj of objects) {
    if (obj.kind !== 'CustomResourceDefinition' || apiGroup(obj.apiVersion) !== 'apiextensions.k8s.io')
      continue;
    const spec = obj.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.group === undefined || !spec.names?.kind) continue;
    scopes.set(`${spec.group}/${spec.names.kind}`, spec.scope !== 'Cluster');
  }
  return scopes;
}

/**
 * Gives each object the namespace it will live in. Cluster-scoped kinds get none (a namespace
 * set on one is removed); namespaced objects keep the namespace the source set and otherwise
 * get `defaultNamespace`. Scope comes from discovery when given, else a CRD in the same render
 * set, else the built-in table of cluster-scoped kinds, else "namespaced". Returns copies.
 */
export async function assignNamespaces(
  objects: KubeObject[],
  defaultNamespace: string,
  isNamespaced?: IsNamespaced,
): Promise<KubeObject[]> {
  const crds = crdScopes(objects);
  const asked = new Map<string, Promise<boolean | undefined>>();
  const scopeOf = async (obj: KubeObject): Promise<boolean> => {
    const key = `${obj.apiVersion}/${obj.kind}`;
    if (isNamespaced && !asked.has(key)) asked.set(key, isNamespaced(obj.apiVersion, obj.kind));
    const discovered = await asked.get(key);
    if (discovered !== undefined) return discovered;
    const groupKind = `${apiGroup(obj.apiVersion)}/${obj.kind}`;
    return crds.get(groupKind) ?? !CLUSTER_SCOPED_KINDS.has(groupKind);
  };
  const out: KubeObject[] = [];
  for (const obj of objects) {
    const { namespace, ...rest } = obj.metadata;
    if (!(await scopeOf(obj))) {
      out.push({ ...obj, metadata: rest as KubeObject['metadata'] });
    } else {
      out.push({ ...obj, metadata: { ...obj.metadata, namespace: namespace || defaultNamespace } });
    }
  }
  return out;
}
