import type { KubeObject, ObjectRef } from './model.ts';

/** 'apps/v1' -> 'apps', 'v1' -> '' (core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The identity of an object regardless of API version: `group/kind/namespace/name`. */
export function objectKey(ref: {
  apiVersion?: string;
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
}): string {
  const group = ref.group ?? groupOf(ref.apiVersion ?? '');
  return `${group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** objectKey() of an object. */
export function keyOf(obj: KubeObject): string {
  return objectKey({
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
  });
}

export function refOf(obj: KubeObject): ObjectRef {
  return {
    group: groupOf(obj.apiVersion),
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
  };
}

/** `Deployment/frontend/web` or `Namespace/prod` for messages. */
export function describeObject(ref: { kind: string; namespace?: string; name: string }): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}
