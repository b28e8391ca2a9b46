import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from '../cli-error.ts';

/** serve's default data directory, where it writes `api-token`. */
export const DEFAULT_DATA_DIR = '.syncwave/data';

export interface ReadApiTokenInput {
  /** `--token`. */
  token?: string;
  /** `--data-dir`: serve's data directory. */
  dataDir?: string;
  env: Record<string, string | undefined>;
}

/**
 * The API token the CLI sends, like `argocd login` keeps one: `--token`, else $SYNCWAVE_TOKEN,
 * else the `api-token` file `syncwave serve` wrote into its data directory (`--data-dir`,
 * $SYNCWAVE_DATA_DIR or .syncwave/data). Undefined when none is found (the server then answers 401
 * saying where to look).
 */
export function readApiToken(input: ReadApiTokenInput): string | undefined {
  const given = input.token ?? input.env.SYNCWAVE_TOKEN;
  if (given !== undefined && given.trim() !== '') return given.trim();
  const dir = resolve(input.dataDir ?? input.env.SYNCWAVE_DATA_DIR ?? DEFAULT_DATA_DIR);
  const file = join(dir, 'api-token');
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new CliError(`${file}: cannot read the API token (${code ?? (err as Error).message})`, undefined, {
      cause: err,
    });
  }
}
