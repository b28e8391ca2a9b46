import type { Environment } from '../model.ts';
import { expandAppOfApps, type RenderApplication, type SkippedApp } from './expand-app-of-apps.ts';
import { type DeclaredApp, readApplications } from './read-applications.ts';

const SKIP = /(^|\/)(node_modules|\.git|charts|templates)\//;

function envName(branch: string): string {
  const name = branch
    .replace(/^refs\/heads\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return name || 'default';
}

function under(file: string, dir: string): boolean {
  return dir === '.' || dir === '' || file.startsWith(`${dir.replace(/\/+$/, '')}/`);
}

/**
 * A repository with no syncwave.yaml but Argo CD Application manifests is read as Argo CD
 * would: every Application is an app, and each branch the Applications target is an
 * environment named after it (HEAD: environment "default" on the repository's HEAD).
 * An Application whose path holds other Applications (app of apps) is the root, not an app;
 * so is one whose source renders Applications (a chart or Kustomization: see expandAppOfApps).
 */
export async function discoverArgoRepo(
  dir: string,
  opts: { render?: RenderApplication } = {},
): Promise<
  { environments: Environment[]; apps: DeclaredApp[]; skipped: SkippedApp[]; problems: string[] } | undefined
> {
  const found = await readApplications(dir, ['**/*.yaml', '**/*.yml'], {
    lenient: true,
    exclude: (f) => SKIP.test(f),
  });
  if (!found.apps.length) return undefined;
  const declared = found.apps.filter(
    (root) =>
      !found.apps.some(
        (child) =>
          child !== root &&
          root.raw.path !== undefined &&
          under(child.declaredIn, root.raw.path.replace(/^\.\//, '')),
      ),
  );
  const { apps, skipped } = await expandAppOfApps(declared, { dir, render: opts.render });
  const branches = new Set(
    apps.map((a) =>
      !a.targetRevision || a.targetRevision === 'HEAD'
        ? 'HEAD'
        : a.targetRevision.replace(/^refs\/heads\//, ''),
    ),
  );
  const environments: Environment[] = [...branches].map((branch) => {
    const name = branch === 'HEAD' ? 'default' : envName(branch);
    return { name, branch, cluster: name };
  });
  return { environments, apps, skipped, problems: found.problems };
}
