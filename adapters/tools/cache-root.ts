import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The directory syncwave caches downloads and unpacked tools in, outside any repository:
 * `$SYNCWAVE_CACHE`, else `/tmp/syncwave` in Lambda (the only writable place there), else
 * `~/.cache/syncwave`.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SYNCWAVE_CACHE) return env.SYNCWAVE_CACHE;
  if (env.AWS_LAMBDA_FUNCTION_NAME) return '/tmp/syncwave';
  return join(env.HOME || homedir(), '.cache', 'syncwave');
}
