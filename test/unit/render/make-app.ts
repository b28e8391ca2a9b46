import type { AppSpec } from '../../../engine/app-spec.ts';
import { DEFAULT_SYNC_OPTIONS } from '../../../engine/config/sync-options.ts';

/** An AppSpec for render tests: app `name` at `path` in env dev, with the given changes. */
export function makeApp(name: string, path: string, over: Partial<AppSpec> = {}): AppSpec {
  return {
    name,
    env: { name: 'dev', branch: 'develop', cluster: 'dev' },
    path,
    namespace: name,
    wave: 0,
    helm: { releaseName: name, valueFiles: [], values: {}, parameters: [], skipCrds: false },
    directory: { recurse: true },
    syncPolicy: { syncOptions: DEFAULT_SYNC_OPTIONS, healthTimeoutSeconds: 300 },
    ignoreDifferences: [],
    extraPaths: [],
    declaredIn: 'syncwave.yaml',
    ...over,
  };
}
