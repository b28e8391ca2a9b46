import { posix } from 'node:path';
import type { AppSpec } from '../app-spec.ts';
import { CONFIG_FILE } from '../config/load-repo-config.ts';

function under(path: string, dir: string): boolean {
  if (dir === '.' || dir === '') return true;
  return path === dir || path.startsWith(`${dir}/`);
}

/**
 * The apps a push touches: a changed file under an app's path or one of its extra
 * paths. A change to syncwave.yaml, or a push that cannot tell ('all'), touches every app.
 */
export function affectedApps(apps: readonly AppSpec[], changed: readonly string[] | 'all'): AppSpec[] {
  if (changed === 'all') return [...apps];
  if (changed.some((p) => p === CONFIG_FILE || p === 'syncwave.yml')) return [...apps];
  return apps.filter((app) => {
    const valueFiles = app.helm.valueFiles.map((f) => posix.normalize(posix.join(app.path, f)));
    return changed.some(
      (p) =>
        under(p, app.path) ||
        app.extraPaths.some((extra) => under(p, extra)) ||
        valueFiles.includes(p) ||
        app.declaredIn === p,
    );
  });
}
