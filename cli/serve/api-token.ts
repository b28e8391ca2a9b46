import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file in serve's data directory that holds the API's bearer token (mode 0600). */
export const API_TOKEN_FILE = 'api-token';

export function apiTokenPath(dataDir: string): string {
  return join(dataDir, API_TOKEN_FILE);
}

/**
 * The API token of a data directory: the one written by an earlier start (so a CLI that read it
 * stays logged in across restarts), or a new random one written with mode 0600. A token file
 * that others can read is narrowed to 0600.
 */
export async function ensureApiToken(dataDir: string): Promise<string> {
  const file = apiTokenPath(dataDir);
  const existing = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    },
  );
  if (existing.length >= 32) {
    await chmod(file, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return token;
}
