import { EngineError } from './errors.ts';
import type { StateStore } from './ports.ts';
import type { AppState } from './state.ts';

const ATTEMPTS = 8;

/**
 * The one writer of app state: reads the current state, lets `change` compute the next one
 * from it (undefined: leave it as it is), and writes it with compare-and-set. When another
 * writer got there first (a sync finishing while a drift pass runs), the change is redone on
 * what that writer left, so no write is ever lost. Returns the state as stored.
 */
export async function updateAppState(
  store: StateStore,
  ref: { env: string; app: string },
  change: (current: AppState | undefined) => AppState | undefined,
): Promise<AppState | undefined> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const current = await store.getApp(ref.env, ref.app);
    const next = change(current);
    if (!next) return current;
    const written = { ...next, env: ref.env, app: ref.app, version: current?.version };
    if (await store.putApp(written)) return { ...written, version: (current?.version ?? 0) + 1 };
  }
  throw new EngineError(
    `app ${ref.env}/${ref.app}: state changed under ${ATTEMPTS} writes in a row; too many writers at once, retry`,
  );
}
