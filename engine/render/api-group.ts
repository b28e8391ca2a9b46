/** The API group of an apiVersion: 'apps/v1' -> 'apps', 'v1' -> '' (core). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
