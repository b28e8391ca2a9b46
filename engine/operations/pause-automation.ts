import type { StateStore } from '../ports.ts';
import type { AppState } from '../state.ts';
import { updateAppState } from '../update-app-state.ts';

/**
 * Pauses or resumes an app's automated syncs (a rollback pauses them until `app resume`),
 * through the one app-state writer. Undefined when the app has no state.
 */
export function setAutomationPaused(
  state: StateStore,
  ref: { env: string; app: string },
  paused: boolean,
  now: Date,
): Promise<AppState | undefined> {
  return updateAppState(state, ref, (current) =>
    current ? { ...current, automationPaused: paused, updatedAt: now.toISOString() } : undefined,
  );
}
