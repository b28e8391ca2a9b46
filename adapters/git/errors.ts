/**
 * Errors of the git adapters: a repository, ref or revision that cannot be read.
 */
export class GitSourceError extends Error {
  override name = 'GitSourceError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
