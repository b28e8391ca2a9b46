import type { AppSpec } from '../app-spec.ts';
import type { Environment, KubeObject } from '../model.ts';
import { type ArgoApplication, applicationToRawApp, isArgoApplication } from './argo-application.ts';
import { looksLikeAppOfApps } from './looks-like-app-of-apps.ts';
import type { DeclaredApp } from './read-applications.ts';
import { resolveApp } from './resolve-app.ts';

/**
 * The seam through which loading the configuration renders a root Application (app of apps):
 * the caller passes a function (engine/render's renderForConfig over its tools), so config
 * itself runs no tool. The app is rendered as its source says: Helm, Kustomize or directory.
 */
export type RenderApplication = (
  app: AppSpec,
) => Promise<{ ok: true; objects: KubeObject[] } | { ok: false; message: string }>;

/** An app that is declared (rendered by a root) but not synced, and why. */
export interface SkippedApp {
  name: string;
  declaredIn: string;
  reason: string;
  /** The branch it targets, when it says. */
  targetRevision?: string;
}

export interface ExpandOptions {
  /** The checked-out repository. */
  dir: string;
  render?: RenderApplication;
  /** The repository's own URL as Applications name it, when known (the roots' repoURL otherwise). */
  repoURL?: string;
}

export interface Expanded {
  apps: DeclaredApp[];
  skipped: SkippedApp[];
  /** Names of the roots found (not apps themselves). */
  roots: string[];
}

const MAX_DEPTH = 10;

/** `https://Host/org/repo.git/` and `git@host:org/repo` alike: host and path, lower case, no .git. */
export function normalizeRepoURL(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/^[^@/]+@/, '')
    .replace(':', '/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

function whyUnsupported(doc: ArgoApplication, repoURL: string | undefined): string | undefined {
  const sources = doc.spec?.sources ?? (doc.spec?.source ? [doc.spec.source] : []);
  if (sources.length === 0) return 'it has no spec.source';
  for (const s of sources) {
    if (s.plugin) return 'its source uses a config management plugin, which syncwave does not run';
    if (s.chart) continue;
    if (repoURL && s.repoURL && normalizeRepoURL(s.repoURL) !== normalizeRepoURL(repoURL))
      return `its source is another repository (${s.repoURL}); syncwave deploys this repository only`;
  }
  return undefined;
}

/** An environment to render a root in: the one its targetRevision names, or a neutral one. */
function renderEnv(d: DeclaredApp): Environment {
  const branch = d.targetRevision && d.targetRevision !== 'HEAD' ? d.targetRevision : 'HEAD';
  return { name: 'default', branch, cluster: 'default' };
}

/**
 * App of apps, recursively: every declared Application whose source renders `kind:
 * Application` objects is a root, and is replaced by the apps it renders (each rendered in turn,
 * so a root of roots works). A root is not an app and nothing of it is applied. A child that
 * renders one of its ancestors (a loop), names another repository or a plugin, or cannot be read
 * is skipped with the reason; a root that fails to render is skipped likewise. A child is
 * declared in its root's file, and a change under the root's path touches it.
 */
export async function expandAppOfApps(
  declared: readonly DeclaredApp[],
  opts: ExpandOptions,
): Promise<Expanded> {
  const out: Expanded = { apps: [], skipped: [], roots: [] };
  const names = new Map<string, DeclaredApp>();
  const keep = (d: DeclaredApp) => {
    const same = names.get(d.raw.name);
    if (!same) {
      names.set(d.raw.name, d);
      out.apps.push(d);
    } else if (JSON.stringify(same.raw) !== JSON.stringify(d.raw)) {
      out.skipped.push({
        name: d.raw.name,
        declaredIn: d.declaredIn,
        reason: `an app of that name is declared already in ${same.declaredIn}`,
      });
    }
  };
  const skip = (d: Pick<DeclaredApp, 'declaredIn' | 'targetRevision'>, name: string, reason: string) => {
    out.skipped.push({ name, declaredIn: d.declaredIn, reason, targetRevision: d.targetRevision });
  };

  const visit = async (d: DeclaredApp, chain: readonly string[]): Promise<void> => {
    if (
      !d.fromApplication ||
      !opts.render ||
      !d.raw.path ||
      !(await looksLikeAppOfApps(opts.dir, d.raw.path))
    ) {
      keep(d);
      return;
    }
    const spec = resolveApp(d.raw, renderEnv(d));
    if (!spec) return keep(d);
    const rendered = await opts.render({ ...spec, declaredIn: d.declaredIn });
    if (!rendered.ok) return skip(d, d.raw.name, `app of apps did not render: ${rendered.message}`);
    const children = rendered.objects.filter(isArgoApplication) as ArgoApplication[];
    if (children.length === 0) return keep(d);
    out.roots.push(d.raw.name);
    const path = [...chain, d.raw.name];
    const where = `${d.declaredIn} (rendered by Application/${d.raw.name})`;
    for (const child of children) {
      const name = child.metadata?.name ?? '(unnamed)';
      if (path.includes(name)) {
        skip(
          { declaredIn: where },
          name,
          `loop: ${[...path, name].join(' -> ')}; remove one of the Applications`,
        );
        continue;
      }
      if (path.length >= MAX_DEPTH) {
        skip({ declaredIn: where }, name, `apps of apps nested deeper than ${MAX_DEPTH}`);
        continue;
      }
      const unsupported = whyUnsupported(child, opts.repoURL ?? d.repoURL);
      if (unsupported) {
        skip({ declaredIn: where, targetRevision: child.spec?.source?.targetRevision }, name, unsupported);
        continue;
      }
      const read = applicationToRawApp(child, where);
      if (!read.app) {
        skip({ declaredIn: where }, name, read.problems.join('; ') || 'unreadable Application');
        continue;
      }
      // A child changes when its root's source or file does: those paths touch it too.
      const paths = [
        ...(read.app.paths ?? []),
        ...(d.raw.paths ?? []),
        d.raw.path ?? d.declaredIn,
        d.declaredIn,
      ];
      await visit(
        {
          raw: {
            ...read.app,
            ...(read.app.helm?.chart ? { path: d.declaredIn } : {}),
            paths: [...new Set(paths)],
          },
          targetRevision: read.targetRevision,
          repoURL: read.repoURL,
          fromApplication: true,
          declaredIn: d.declaredIn,
        },
        path,
      );
    }
  };
  for (const d of declared) await visit(d, []);
  return out;
}
