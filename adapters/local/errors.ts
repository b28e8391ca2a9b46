/**
 * Errors of the local adapters (SQLite state store and job queue).
 */

/** Base class: a local store could not read or write its data. */
export class LocalStoreError extends Error {
  override name = 'LocalStoreError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
