import type { AppSpec, AppState } from '../../engine/index.ts';

export interface SyncChoice {
  /** Apps the sync will sync, in the order of the config. */
  sync: string[];
  /** Apps it leaves alone, each with the reason a person can act on. */
  skipped: Array<{ app: string; wave: number; reason: string }>;
}

export interface ChooseSyncAppsOptions {
  /** `--app`: only these (checked to exist beforehand). */
  named?: readonly string[];
  /** `--automated-only`: what a push would sync, i.e. only apps with an automated sync policy. */
  automatedOnly?: boolean;
}

/**
 * Which apps `syncwave sync --env` syncs when a person runs it. Every app of the environment,
 * as `argocd app sync` syncs regardless of policy, except: apps not named by `--app`, apps
 * paused by a rollback (unless named), and with `--automated-only` apps with no automated policy.
 * Every app left out is listed with its reason.
 */
export function chooseSyncApps(
  apps: readonly AppSpec[],
  states: ReadonlyMap<string, AppState>,
  opts: ChooseSyncAppsOptions = {},
): SyncChoice {
  const choice: SyncChoice = { sync: [], skipped: [] };
  const skip = (app: AppSpec, reason: string) =>
    choice.skipped.push({ app: app.name, wave: app.wave, reason });
  for (const app of apps) {
    if (opts.named?.length) {
      if (opts.named.includes(app.name)) choice.sync.push(app.name);
      else skip(app, 'not named by --app');
      continue;
    }
    if (opts.automatedOnly && !app.syncPolicy.automated) {
      skip(
        app,
        'no automated sync policy (--automated-only); sync it without --automated-only or with --app',
      );
      continue;
    }
    if (states.get(app.name)?.automationPaused) {
      skip(
        app,
        `automation paused by a rollback; run "syncwave app resume ${app.name}", or name it with --app ${app.name} to sync it anyway`,
      );
      continue;
    }
    choice.sync.push(app.name);
  }
  return choice;
}
