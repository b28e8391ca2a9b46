/** Errors of the engine. Expected failures are results; these are for the unexpected. */
export class EngineError extends Error {
  override name = 'EngineError';
}

/** Code of an error thrown by a Cluster adapter (adapters/kube ClusterError), if any. */
export function clusterErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
