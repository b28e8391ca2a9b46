import { parse } from 'yaml';
import type { AppSpec } from '../app-spec.ts';
import type { Environment } from '../model.ts';
import type { ArgoSource } from './argo-source.ts';
import { pickSource } from './argo-sources.ts';
import { formatIssues } from './format-issues.ts';
import { ignoreDifferenceSchema, kustomizeSchema, type RawApp } from './schema.ts';

export interface ArgoApplication {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: {
    source?: ArgoSource;
    sources?: ArgoSource[];
    destination?: { namespace?: string; server?: string; name?: string };
    syncPolicy?: {
      automated?: { prune?: boolean; selfHeal?: boolean; allowEmpty?: boolean; enabled?: boolean } | null;
      syncOptions?: string[];
    };
    ignoreDifferences?: Array<{
      group?: string;
      kind: string;
      name?: string;
      namespace?: string;
      jsonPointers?: string[];
      jqPathExpressions?: string[];
      managedFieldsManagers?: string[];
    }>;
  };
}

/** True when a document is an Argo CD Application. */
export function isArgoApplication(doc: unknown): doc is ArgoApplication {
  const d = doc as ArgoApplication | null;
  return (
    !!d &&
    d.kind === 'Application' &&
    typeof d.apiVersion === 'string' &&
    d.apiVersion.startsWith('argoproj.io/')
  );
}

/**
 * Reads an Argo CD Application as a syncwave app. `targetRevision` binds it to the
 * environments whose branch it names (HEAD or empty: every environment).
 */
export function applicationToRawApp(
  doc: ArgoApplication,
  file: string,
): { app?: RawApp; targetRevision?: string; repoURL?: string; problems: string[] } {
  const where = `${file}: Application/${doc.metadata?.name ?? '(unnamed)'}`;
  if (!doc.metadata?.name) return { problems: [`${where}: metadata.name is required`] };
  let source = doc.spec?.source;
  let refBranch: string | undefined;
  if (!source && doc.spec?.sources) {
    const picked = pickSource(doc.spec.sources);
    if (!picked.ok) return { problems: [`${where}: ${picked.problem}`] };
    source = picked.source;
    refBranch = picked.branch;
  }
  if (!source?.path && !source?.chart) {
    return {
      problems: [`${where}: spec.source needs a path (in this repository) or a chart (from repoURL)`],
    };
  }
  if (source.chart && !source.repoURL)
    return { problems: [`${where}: spec.source.chart needs spec.source.repoURL`] };
  const kustomize = source.kustomize === undefined ? undefined : kustomizeSchema.safeParse(source.kustomize);
  if (kustomize && !kustomize.success)
    return { problems: formatIssues(kustomize.error, `${where}: spec.source.kustomize.`) };
  const ignore = readIgnoreDifferences(doc.spec?.ignoreDifferences ?? [], where);
  if (ignore.problems.length) return { problems: ignore.problems };
  const annotations = doc.metadata.annotations ?? {};
  const wave = Number.parseInt(annotations['argocd.argoproj.io/sync-wave'] ?? '0', 10);
  const helm = source.helm;
  let values: Record<string, unknown> = helm?.valuesObject ?? {};
  if (helm?.values) values = { ...(parse(helm.values) as Record<string, unknown>), ...values };
  // A chart from a repository: targetRevision is its version, not a branch; its file stands in for a path.
  const chart = source.chart
    ? { chart: source.chart, repoURL: source.repoURL, version: source.targetRevision ?? '' }
    : undefined;
  const app: RawApp = {
    name: doc.metadata.name,
    path: source.path ?? file,
    // Argo CD: objects without a namespace go to the destination namespace, else "default".
    namespace: doc.spec?.destination?.namespace || 'default',
    wave: Number.isNaN(wave) ? 0 : wave,
    helm:
      helm || chart
        ? {
            ...chart,
            releaseName: helm?.releaseName,
            valueFiles: helm?.valueFiles,
            ignoreMissingValueFiles: helm?.ignoreMissingValueFiles,
            values,
            parameters: helm?.parameters,
            skipCrds: helm?.skipCrds,
          }
        : undefined,
    // Argo CD reads a directory app non-recursively unless told.
    directory: { ...source.directory, recurse: source.directory?.recurse ?? false },
    ...(kustomize?.data ? { kustomize: kustomize.data } : {}),
    syncPolicy: {
      automated: doc.spec?.syncPolicy?.automated ?? undefined,
      syncOptions: doc.spec?.syncPolicy?.syncOptions,
    },
    ignoreDifferences: ignore.rules,
    paths: annotations['argocd.argoproj.io/manifest-generate-paths']
      ?.split(';')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => (p.startsWith('/') ? p.slice(1) : `${source.path ?? '.'}/${p}`.replace(/\/\.$/, ''))),
  };
  const targetRevision = chart ? refBranch : source.targetRevision;
  return { app, targetRevision, repoURL: source.repoURL, problems: [] };
}

/** The rules that ignore something (Argo CD accepts empty ones, which ignore nothing), each checked. */
function readIgnoreDifferences(
  entries: unknown[],
  where: string,
): { rules: NonNullable<RawApp['ignoreDifferences']>; problems: string[] } {
  const rules: NonNullable<RawApp['ignoreDifferences']> = [];
  const problems: string[] = [];
  entries.forEach((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown[] | undefined>;
    if (!e.jsonPointers?.length && !e.jqPathExpressions?.length && !e.managedFieldsManagers?.length) return;
    const parsed = ignoreDifferenceSchema.safeParse(entry);
    if (parsed.success) rules.push(parsed.data);
    else problems.push(...formatIssues(parsed.error, `${where}: spec.ignoreDifferences[${i}].`));
  });
  return { rules, problems };
}

/** Whether an Application's targetRevision selects an environment. */
export function targetsEnvironment(targetRevision: string | undefined, env: Environment): boolean {
  if (!targetRevision || targetRevision === 'HEAD') return true;
  return targetRevision === env.branch || targetRevision === `refs/heads/${env.branch}`;
}

export type { AppSpec, ArgoSource };
