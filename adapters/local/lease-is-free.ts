/** A held lease on an environment. */
export interface Lease {
  owner: string;
  expiresAtMs: number;
}

/**
 * The lease rule every StateStore follows: `owner` may take the lease when nobody holds it,
 * when the holder's lease has expired, or when `owner` already holds it (a renewal).
 */
export function leaseIsFree(current: Lease | undefined, owner: string, nowMs: number): boolean {
  return current === undefined || current.owner === owner || current.expiresAtMs <= nowMs;
}
