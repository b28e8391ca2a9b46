/**
 * Exit codes scripts can rely on (like `kubectl diff`): 0 all good, 1 the answer is "no"
 * (drift found, sync failed, wait timed out, validation failed), 2 the command itself failed.
 */
export const EXIT = {
  ok: 0,
  /** Out of sync, failed sync, invalid repository, timeout. */
  notOk: 1,
  /** Bad usage, unreachable server, unexpected error. */
  error: 2,
} as const;
