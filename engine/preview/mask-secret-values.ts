import { hideSecretData, SECRET_MASK } from '../diff/hide-secret-data.ts';
import type { KubeObject } from '../model.ts';

/** What a hidden value shows as (a longer run of `+` when live and desired differ). */
export const HIDDEN = SECRET_MASK;

/**
 * A live/desired pair with every Secret value replaced before it is diffed, so the diff shows
 * which keys are added, removed or changed and never a value. Other kinds pass unchanged.
 * engine/diff's hideSecretData, the one masking every output uses (Argo CD's convention).
 */
export function maskSecretValues(
  live: KubeObject | undefined,
  desired: KubeObject | undefined,
): { live: KubeObject | undefined; desired: KubeObject | undefined } {
  const [maskedDesired, maskedLive] = hideSecretData([desired, live]);
  return { live: maskedLive, desired: maskedDesired };
}
