import type { AppSpec, HelmSource, KustomizeSource, SyncPolicy } from '../app-spec.ts';
import type { Environment } from '../model.ts';
import { parseDurationSeconds } from './duration.ts';
import type { RawApp, RawAppOverride, RawSyncPolicy } from './schema.ts';
import { DEFAULT_SYNC_OPTIONS, parseSyncOptions } from './sync-options.ts';

export const DEFAULT_HEALTH_TIMEOUT_SECONDS = 300;

function normalizePath(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/+$/, '') || '.';
}

function substituteEnv(value: string, env: Environment): string {
  return value.replaceAll('${env}', env.name).replaceAll('${branch}', env.branch);
}

function resolveSyncPolicy(base: RawSyncPolicy | undefined, over: RawSyncPolicy | undefined): SyncPolicy {
  const automatedRaw = over?.automated !== undefined ? over.automated : base?.automated;
  const automated =
    automatedRaw && automatedRaw.enabled !== false
      ? {
          prune: automatedRaw.prune ?? false,
          selfHeal: automatedRaw.selfHeal ?? false,
          allowEmpty: automatedRaw.allowEmpty ?? false,
        }
      : undefined;
  const entries = [...(base?.syncOptions ?? []), ...(over?.syncOptions ?? [])];
  const { options } = parseSyncOptions(entries, DEFAULT_SYNC_OPTIONS);
  const timeout = over?.healthTimeout ?? base?.healthTimeout;
  return {
    automated,
    syncOptions: options,
    healthTimeoutSeconds:
      timeout === undefined ? DEFAULT_HEALTH_TIMEOUT_SECONDS : parseDurationSeconds(timeout),
  };
}

function resolveHelm(app: RawApp, over: RawAppOverride | undefined, env: Environment): HelmSource {
  const base = app.helm ?? {};
  const o = over?.helm ?? {};
  const raw = [...(o.valueFiles ?? base.valueFiles ?? [])];
  const valueFiles = raw.map((f) => substituteEnv(f, env));
  const chart = o.chart ?? base.chart;
  return {
    releaseName: o.releaseName ?? base.releaseName ?? app.name,
    ...(chart
      ? {
          chart: {
            name: chart,
            repoURL: o.repoURL ?? base.repoURL ?? '',
            version: o.version ?? base.version ?? '',
          },
        }
      : {}),
    valueFiles,
    optionalValueFiles: ((o.ignoreMissingValueFiles ?? base.ignoreMissingValueFiles)
      ? raw
      : raw.filter((f) => /\$\{(env|branch)\}/.test(f))
    ).map((f) => substituteEnv(f, env)),
    values: deepMerge(base.values ?? {}, o.values ?? {}),
    parameters: [...(base.parameters ?? []), ...(o.parameters ?? [])].map((p) => ({
      name: p.name,
      value: String(p.value),
      ...(p.forceString ? { forceString: true } : {}),
    })),
    skipCrds: o.skipCrds ?? base.skipCrds ?? false,
  };
}

function resolveKustomize(raw: RawApp['kustomize']): KustomizeSource | undefined {
  if (!raw) return undefined;
  return {
    namePrefix: raw.namePrefix || undefined,
    nameSuffix: raw.nameSuffix || undefined,
    images: raw.images ?? [],
    commonLabels: raw.commonLabels ?? {},
    commonAnnotations: raw.commonAnnotations ?? {},
    forceCommonLabels: raw.forceCommonLabels ?? false,
    forceCommonAnnotations: raw.forceCommonAnnotations ?? false,
    labelWithoutSelector: raw.labelWithoutSelector ?? false,
    labelIncludeTemplates: raw.labelIncludeTemplates ?? false,
    commonAnnotationsEnvsubst: raw.commonAnnotationsEnvsubst ?? false,
    namespace: raw.namespace || undefined,
    patches: raw.patches ?? [],
    replicas: (raw.replicas ?? []).map((r) => ({ name: r.name, count: Number(r.count) })),
    components: raw.components ?? [],
    ignoreMissingComponents: raw.ignoreMissingComponents ?? false,
  };
}

/** Maps merge key by key; anything else is replaced by the override. */
export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] =
      isPlainObject(prev) && isPlainObject(value)
        ? deepMerge(prev as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One app of syncwave.yaml as it applies to one environment; undefined when disabled there. */
export function resolveApp(app: RawApp, env: Environment): AppSpec | undefined {
  const over = app.environments?.[env.name];
  if (over?.enabled === false) return undefined;
  const namespace = over?.namespace ?? app.namespace ?? app.name;
  return {
    name: app.name,
    env,
    // A chart from a repository has no path in Git: its declaring file stands in (a change there touches it).
    path: normalizePath(substituteEnv(over?.path ?? app.path ?? 'syncwave.yaml', env)),
    namespace: `${env.namespacePrefix ?? ''}${namespace}`,
    wave: over?.wave ?? app.wave ?? 0,
    sourceType: app.source,
    helm: resolveHelm(app, over, env),
    directory: {
      recurse: over?.directory?.recurse ?? app.directory?.recurse ?? true,
      include: over?.directory?.include ?? app.directory?.include,
      exclude: over?.directory?.exclude ?? app.directory?.exclude,
    },
    ...(app.kustomize ? { kustomize: resolveKustomize(app.kustomize) } : {}),
    syncPolicy: resolveSyncPolicy(app.syncPolicy, over?.syncPolicy),
    ignoreDifferences: (app.ignoreDifferences ?? []).map((d) => ({
      ...d,
      jsonPointers: d.jsonPointers ?? [],
    })),
    extraPaths: (app.paths ?? []).map(normalizePath),
    declaredIn: 'syncwave.yaml',
  };
}
