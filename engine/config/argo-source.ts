/** One source of an Argo CD Application (`spec.source` or an entry of `spec.sources`), as read from YAML. */
export interface ArgoSource {
  repoURL?: string;
  path?: string;
  targetRevision?: string;
  chart?: string;
  helm?: {
    releaseName?: string;
    valueFiles?: string[];
    ignoreMissingValueFiles?: boolean;
    values?: string;
    valuesObject?: Record<string, unknown>;
    parameters?: Array<{ name: string; value: string; forceString?: boolean }>;
    skipCrds?: boolean;
  };
  directory?: { recurse?: boolean; include?: string; exclude?: string };
  kustomize?: unknown;
  plugin?: unknown;
  ref?: string;
}
