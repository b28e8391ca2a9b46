import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
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

const MAX_TEMPLATE_FILES = 2000;
const MAX_TEMPLATE_BYTES = 1 << 20;
const DECLARES_APPLICATION = /\bkind:\s*["']?Application["']?\s*$/m;

/**
 * Helm charts whose templates declare Argo CD Applications (argocd-example-apps' `apps/`),
 * found when the repository has no Application outside templates: Argo CD users create the
 * root of such an app of apps with `argocd app create --path apps`, so it is not in Git.
 * Bounded, symlinks not followed; only for the message that says what to add.
 */
export async function unrootedAppCharts(dir: string): Promise<Array<{ chart: string; file: string }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const found = new Map<string, string>();
  let files = 0;
  for (const entry of entries) {
    if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
    const rel = relative(dir, join(entry.parentPath, entry.name));
    const m = /^(?:(.*)\/)?templates\/[^/]+$/.exec(rel);
    if (!m || /(^|\/)(node_modules|\.git)\//.test(rel)) continue;
    const chart = m[1] ?? '.';
    if (found.has(chart)) continue;
    if (++files > MAX_TEMPLATE_FILES) break;
    const file = join(dir, rel);
    if ((await lstat(file)).size > MAX_TEMPLATE_BYTES) continue;
    const text = await readFile(file, 'utf8');
    if (!text.includes('argoproj.io') || !DECLARES_APPLICATION.test(text)) continue;
    const isChart = await lstat(join(dir, chart, 'Chart.yaml')).then(
      (s) => s.isFile(),
      () => false,
    );
    if (isChart) found.set(chart, rel);
  }
  return [...found].sort().map(([chart, file]) => ({ chart, file }));
}
