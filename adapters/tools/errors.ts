/** Errors of the tools adapter: installing and running the helm and kubectl binaries. */
export class ToolsError extends Error {
  override name = 'ToolsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
