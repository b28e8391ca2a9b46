import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { AppSpec } from '../app-spec.ts';
import type { Environment } from '../model.ts';
import { readRepoFile } from '../render/read-repo-file.ts';
import { DEFAULT_RENDER_LIMITS } from '../render/render-limits.ts';
import { targetsEnvironment } from './argo-application.ts';
import { discoverArgoRepo, unrootedAppCharts } from './discover-argo-repo.ts';
import { parseDurationSeconds } from './duration.ts';
import { expandAppOfApps, type RenderApplication, type SkippedApp } from './expand-app-of-apps.ts';
import { formatIssues } from './format-issues.ts';
import { type DeclaredApp, readApplications } from './read-applications.ts';
import { resolveApp } from './resolve-app.ts';
import { type RawApp, repoConfigSchema } from './schema.ts';
import { parseSyncOptions } from './sync-options.ts';

export const CONFIG_FILE = 'syncwave.yaml';
export const DEFAULT_HISTORY_LIMIT = 10;

/** The repository's environments and, per environment, its apps with overrides folded in. */
export interface RepoConfig {
  environments: Environment[];
  environment(name: string): Environment | undefined;
  apps(env: string): AppSpec[];
  /** Apps an app of apps renders that are not synced (another repository, a loop...), with why. */
  skipped(env: string): SkippedApp[];
  historyLimit: number;
  /** What declared it, for messages: `syncwave.yaml`, or the Argo CD Applications when there is none. */
  subject: string;
}

export interface LoadOptions {
  /** Renders root Applications (app of apps); without it no Application is expanded. */
  render?: RenderApplication;
}

export type LoadResult =
  | { ok: true; config: RepoConfig }
  | { ok: false; errors: string[] /** what is invalid, for the message's head */; subject: string };

/** The subject of a repository read as Argo CD would read it: no syncwave.yaml, Applications. */
export const ARGO_SUBJECT = 'the Argo CD configuration (Application manifests, no syncwave.yaml)';

/** The config file's text, read by real path (inside the checkout) and size-checked first. */
async function readConfigText(
  dir: string,
): Promise<{ text: string; file: string } | { error: string } | undefined> {
  for (const file of [CONFIG_FILE, 'syncwave.yml']) {
    const read = await readRepoFile(dir, join(dir, file), { maxBytes: DEFAULT_RENDER_LIMITS.maxFileBytes });
    if (read.ok) return { text: read.text, file };
    if (!read.missing) return { error: `${read.failure.file}: ${read.failure.detail}` };
  }
  return undefined;
}

function checkApps(apps: readonly RawApp[], envNames: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  apps.forEach((app, i) => {
    const first = seen.get(app.name);
    if (first !== undefined)
      problems.push(
        `apps[${i}].name: "${app.name}" is already used by apps[${first}]; app names must be unique`,
      );
    else seen.set(app.name, i);
    for (const env of Object.keys(app.environments ?? {})) {
      if (!envNames.has(env)) {
        problems.push(
          `apps[${i}].environments.${env}: no environment "${env}"; declared: ${[...envNames].join(', ')}`,
        );
      }
    }
    const policies = [
      ['syncPolicy', app.syncPolicy],
      ...Object.entries(app.environments ?? {}).map(
        ([env, o]) => [`environments.${env}.syncPolicy`, o.syncPolicy] as const,
      ),
    ] as const;
    for (const [where, policy] of policies) {
      for (const p of parseSyncOptions(policy?.syncOptions ?? []).problems)
        problems.push(`apps[${i}].${where}.syncOptions${p}`);
      if (policy?.healthTimeout !== undefined) {
        try {
          parseDurationSeconds(policy.healthTimeout);
        } catch (e) {
          problems.push(`apps[${i}].${where}.healthTimeout: ${(e as Error).message}`);
        }
      }
    }
  });
  return problems;
}

/**
 * Reads and validates `syncwave.yaml` at the root of a checked-out repository. Every
 * problem is reported with its path in the file, e.g. `apps[2].wave: expected int`.
 */
export async function loadRepoConfig(dir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const found = await readConfigText(dir);
  if (!found) {
    const discovered = await discoverArgoRepo(dir, { render: opts.render });
    if (discovered)
      return discovered.problems.length
        ? { ok: false, errors: discovered.problems, subject: ARGO_SUBJECT }
        : {
            ok: true,
            config: makeRepoConfig(discovered.environments, discovered, DEFAULT_HISTORY_LIMIT, ARGO_SUBJECT),
          };
    const unrooted = await unrootedAppCharts(dir);
    return {
      ok: false,
      subject: 'the repository',
      errors: [
        `${CONFIG_FILE}: not found at the repository root, and no Argo CD Application manifest outside Helm templates; create ${CONFIG_FILE} with "environments:" and "apps:" (see docs/configuration.md), or keep Argo CD Application manifests in the repository`,
        ...unrooted.map(
          (u) =>
            `${u.file}: a Helm chart (${u.chart}) that renders Argo CD Applications (an app of apps), but no Application in the repository has it as its path; add the root Application that \`argocd app create --path ${u.chart}\` would create, as a file (e.g. argocd/root.yaml with spec.source.path: ${u.chart})`,
        ),
      ],
    };
  }
  if ('error' in found) return { ok: false, errors: [found.error], subject: CONFIG_FILE };
  const doc = parseDocument(found.text, { prettyErrors: true });
  if (doc.errors.length)
    return { ok: false, errors: doc.errors.map((e) => `${found.file}: ${e.message}`), subject: found.file };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: DEFAULT_RENDER_LIMITS.maxAliasCount });
  } catch (cause) {
    return {
      ok: false,
      subject: found.file,
      errors: [
        `${found.file}: YAML aliases expand past the limit of ${DEFAULT_RENDER_LIMITS.maxAliasCount}: ${(cause as Error).message}`,
      ],
    };
  }
  const parsed = repoConfigSchema.safeParse(value ?? {});
  if (!parsed.success)
    return { ok: false, errors: formatIssues(parsed.error, `${found.file}: `), subject: found.file };
  const raw = parsed.data;
  const environments: Environment[] = Object.entries(raw.environments).map(([name, e]) => ({
    name,
    branch: e.branch,
    cluster: e.cluster ?? name,
    namespacePrefix: e.namespacePrefix,
    ...(e.policy ? { policy: e.policy } : {}),
  }));
  const problems = checkApps(raw.apps ?? [], new Set(environments.map((e) => e.name))).map(
    (p) => `${found.file}: ${p}`,
  );
  const fromApps = await readApplications(dir, raw.applications ?? [], { declaredIn: found.file });
  for (const p of fromApps.problems) problems.push(p);
  const expanded = await expandAppOfApps(fromApps.apps, { dir, render: opts.render });
  const declared: DeclaredApp[] = [
    ...(raw.apps ?? []).map((a) => ({ raw: a, fromApplication: false, declaredIn: found.file })),
    ...expanded.apps,
  ];
  const names = new Set<string>();
  for (const d of declared) {
    if (names.has(d.raw.name) && d.fromApplication)
      problems.push(`${d.declaredIn}: app "${d.raw.name}" is declared twice`);
    names.add(d.raw.name);
  }
  if (problems.length) return { ok: false, errors: problems, subject: found.file };
  const config = makeRepoConfig(
    environments,
    { apps: declared, skipped: expanded.skipped },
    raw.historyLimit ?? DEFAULT_HISTORY_LIMIT,
    found.file,
  );
  return { ok: true, config };
}

/** The config object over environments and declared apps, resolving each app per environment. */
function makeRepoConfig(
  environments: Environment[],
  found: { apps: readonly DeclaredApp[]; skipped: readonly SkippedApp[] },
  historyLimit: number,
  subject: string,
): RepoConfig {
  const declared = found.apps;
  return {
    environments,
    historyLimit,
    subject,
    environment: (name) => environments.find((e) => e.name === name),
    skipped(envName) {
      const env = environments.find((e) => e.name === envName);
      return env ? found.skipped.filter((s) => targetsEnvironment(s.targetRevision, env)) : [];
    },
    apps(envName) {
      const env = environments.find((e) => e.name === envName);
      if (!env) return [];
      return declared
        .filter((d) => !d.fromApplication || targetsEnvironment(d.targetRevision, env))
        .map((d) => {
          const spec = resolveApp(d.raw, env);
          if (spec && d.fromApplication) spec.directory = { ...spec.directory, globs: 'argocd' };
          return spec && { ...spec, declaredIn: d.declaredIn };
        })
        .filter((a): a is AppSpec => a !== undefined)
        .sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
    },
  };
}
