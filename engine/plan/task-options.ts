import type { SyncOptions } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';
import type { TaskOptions } from '../operation.ts';
import { objectSyncOptions } from './annotations.ts';

function has(obj: KubeObject | undefined, name: string, value: string): boolean {
  return obj !== undefined && objectSyncOptions(obj).get(name)?.toLowerCase() === value;
}

/**
 * How one object is written, as Argo CD decides it: the app's sync options, or the object's own
 * `argocd.argoproj.io/sync-options` (`Replace=true` and `Force=true` on the desired or the live
 * object, `Validate=false` and `SkipDryRunOnMissingResource=true` on the desired one).
 */
export function taskOptionsOf(
  desired: KubeObject,
  live: KubeObject | undefined,
  app: Partial<SyncOptions> = {},
): TaskOptions {
  return {
    replace: Boolean(app.replace) || has(desired, 'Replace', 'true') || has(live, 'Replace', 'true'),
    force: Boolean(app.force) || has(desired, 'Force', 'true') || has(live, 'Force', 'true'),
    validate: app.validate !== false && !has(desired, 'Validate', 'false'),
    skipDryRunOnMissingResource:
      Boolean(app.skipDryRunOnMissingResource) || has(desired, 'SkipDryRunOnMissingResource', 'true'),
  };
}
