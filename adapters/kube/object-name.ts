/** How errors and logs name an object: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
export function objectName(kind: string, name: string, namespace?: string): string {
  return namespace === undefined || namespace === '' ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}
