/** True when dist/ is missing or older than the sources, package.json or dependencies it was built from. */
export function bundleIsStale(root: string): boolean;
