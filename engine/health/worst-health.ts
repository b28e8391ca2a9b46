import { HEALTH_CODES, type Health, type HealthCode } from '../model.ts';

/** Position of a code in Argo CD's order, best first: Healthy < Suspended < Progressing < Missing < Degraded < Unknown. */
export function healthRank(code: HealthCode): number {
  return HEALTH_CODES.indexOf(code);
}

/** True when `next` is a worse condition than `current` (gitops-engine IsWorse). */
export function isWorse(current: HealthCode, next: HealthCode): boolean {
  return healthRank(next) > healthRank(current);
}

/** The worst of several healths (the first of equals, so its message stays); Healthy for none. */
export function worstHealth(list: readonly Health[]): Health {
  let worst: Health = list[0] ?? { status: 'Healthy' };
  for (const h of list) if (isWorse(worst.status, h.status)) worst = h;
  return worst;
}
