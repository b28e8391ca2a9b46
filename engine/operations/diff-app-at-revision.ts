import type { AppSpec } from '../app-spec.ts';
import type { EngineDeps } from '../job/engine-deps.ts';
import { describeObject } from '../object-key.ts';
import { renderApp } from '../render/render-app.ts';
import { diffApp } from '../sync/diff-app.ts';

/** One changed (or rejected) object of a diff: `Kind/namespace/name`, the change, the unified diff. */
export interface AppDiffLine {
  object: string;
  action: string;
  diff: string;
}

/** Whether an app is in sync at a revision, and the unified diff per changed object (`syncwave diff`, serve's API). */
export interface AppDiffSummary {
  inSync: boolean;
  revision?: string;
  objects: AppDiffLine[];
}

/** Renders an app at a revision and compares it with its cluster (server-side dry run). */
export async function diffAppAtRevision(
  app: AppSpec,
  deps: EngineDeps,
  revision: string,
): Promise<AppDiffSummary> {
  const checkout = await deps.source.checkout(revision);
  const rendered = await renderApp(app, checkout, { tools: deps.tools, cacheDir: deps.cacheDir });
  if (!rendered.ok) throw new Error(rendered.error.message);
  const cluster = await deps.clusterFor(app.env);
  const diff = await diffApp(app, rendered.objects, { cluster, state: deps.state });
  // A cluster that cannot be reached or refuses us is an error (exit 2), not drift (exit 1).
  const refused = (diff.rejected as Array<{ key: string; message: string; code?: string }>).find((r) =>
    ['Unavailable', 'Unauthorized', 'Forbidden'].includes(r.code ?? ''),
  );
  if (refused)
    throw new Error(`cannot compare ${app.env.name}/${app.name} with its cluster: ${refused.message}`);
  const objects: AppDiffLine[] = diff.objects
    .filter((o) => o.change !== 'unchanged')
    .map((o) => ({ object: describeObject(o), action: o.change, diff: o.unified }));
  for (const r of diff.rejected) objects.push({ object: r.key, action: 'rejected', diff: r.message });
  return { inSync: !diff.outOfSync && objects.length === 0, revision, objects };
}
