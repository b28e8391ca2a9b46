import { EXIT } from './exit-codes.ts';

/** An error the CLI reports as one line (no stack) and exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
