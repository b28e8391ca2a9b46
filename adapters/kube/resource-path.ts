export interface ResourcePathInput {
  apiVersion: string;
  /** Plural resource name, e.g. 'deployments'. */
  resource: string;
  /** Only for namespaced kinds; absent to address all namespaces (lists). */
  namespace?: string;
  name?: string;
}

/** The API base of a group version: '/api/v1' for the core group, '/apis/<group>/<version>' otherwise. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The REST path of a collection or of one object. */
export function resourcePath(input: ResourcePathInput): string {
  const namespace = input.namespace ? `/namespaces/${encodeURIComponent(input.namespace)}` : '';
  const name = input.name === undefined ? '' : `/${encodeURIComponent(input.name)}`;
  return `${groupVersionPath(input.apiVersion)}${namespace}/${input.resource}${name}`;
}
