/** Errors of the engine. Expected failures are results; these are for the unexpected. */
export class EngineError extends Error {
  override name = 'EngineError';
}

export { clusterErrorCode } from './cluster-error.ts';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
