import type { Environment } from './model.ts';

/** How a change of a field in Git is ignored when comparing (Argo CD's ignoreDifferences). */
export interface IgnoreDifference {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  /** RFC 6901 pointers: `/spec/replicas`. */
  jsonPointers: string[];
  /** jq path expressions: `.spec.template.spec.containers[] | select(.name == "istio-proxy")`. */
  jqPathExpressions?: string[];
  /** Fields these field managers own in the live object's managedFields: `kube-controller-manager`. */
  managedFieldsManagers?: string[];
}

export interface SyncOptions {
  /** CreateNamespace=true: create the app's namespace if missing. */
  createNamespace: boolean;
  /** Prune=false on the app: never prune (objects are reported as extraneous instead). */
  prune: boolean;
  /** PruneLast=true: prune after every wave is healthy (default in syncwave anyway). */
  pruneLast: boolean;
  /** PrunePropagationPolicy=foreground|background|orphan. */
  prunePropagationPolicy: 'foreground' | 'background' | 'orphan';
  /** Force=true: take over fields owned by another field manager (server-side apply force). */
  force: boolean;
  /** ApplyOutOfSyncOnly=true: skip objects the dry run finds unchanged (always true in syncwave). */
  applyOutOfSyncOnly: boolean;
  /** Replace=true: write objects with PUT (create when missing) instead of server-side apply. */
  replace: boolean;
  /** Validate=false: the API server ignores unknown and duplicate fields (fieldValidation=Ignore, else Strict). */
  validate: boolean;
  /** SkipDryRunOnMissingResource=true: an object whose kind is not served yet is not dry-run, even when its CRD is not in the app. */
  skipDryRunOnMissingResource: boolean;
  /** RespectIgnoreDifferences=true: fields under ignoreDifferences keep their live values when an existing object is written. */
  respectIgnoreDifferences: boolean;
}

export interface SyncPolicy {
  /** Set: syncs run on push/poll without a person. */
  automated?: { prune: boolean; selfHeal: boolean; allowEmpty: boolean };
  syncOptions: SyncOptions;
  /** Whole seconds to wait for one wave to become healthy before failing the sync. */
  healthTimeoutSeconds: number;
}

export type SourceType = 'directory' | 'helm' | 'kustomize';

/** A chart from a Helm chart repository (http/https) or an OCI registry, instead of a path in Git. */
export interface RemoteChart {
  name: string;
  /** `https://charts.example.com`, `oci://registry.example.com/charts` or `registry.example.com/charts`. */
  repoURL: string;
  /** An exact version (fetched once, then cached) or a semver range helm resolves on each render. */
  version: string;
}

export interface HelmSource {
  releaseName: string;
  /** Set: the chart comes from a repository; value files are then paths inside the chart. */
  chart?: RemoteChart;
  /** Repo-path-relative to the app path; `${env}` already substituted. Missing optional files are skipped. */
  valueFiles: string[];
  /**
   * Entries of `valueFiles` that came from a template (`values-${env}.yaml`): skipped when the
   * file is missing. Any other missing value file is a render error. Entries still holding a
   * literal `${env}` are substituted by the renderer and count as optional too.
   */
  optionalValueFiles?: string[];
  /** Inline values, merged after the value files. */
  values: Record<string, unknown>;
  /** --set style parameters (name=value), applied last. */
  parameters: Array<{ name: string; value: string /** --set-string */; forceString?: boolean }>;
  /** Skip CRDs in the chart's crds/ directory. */
  skipCrds: boolean;
}

/**
 * Argo CD's `spec.source.kustomize`: edits made to a copy of the app's kustomization before it
 * is built, as `kustomize edit` makes them (engine/render/kustomize-edits.ts).
 */
export interface KustomizeSource {
  namePrefix?: string;
  nameSuffix?: string;
  /** `kustomize edit set image` arguments: `name=newName:tag`, `name:tag`, `name@digest`, ... */
  images: string[];
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  /** Overwrite labels/annotations the kustomization already sets (else that is a render error). */
  forceCommonLabels: boolean;
  forceCommonAnnotations: boolean;
  /** commonLabels go to `labels:` without selectors (`--without-selector`), in templates too when set. */
  labelWithoutSelector: boolean;
  labelIncludeTemplates: boolean;
  /** `${ARGOCD_APP_*}` in commonAnnotations is substituted (always in images and commonLabels). */
  commonAnnotationsEnvsubst: boolean;
  namespace?: string;
  /** Appended to the kustomization's `patches`. */
  patches: unknown[];
  replicas: Array<{ name: string; count: number }>;
  /** Paths relative to the app directory, inside the repository. */
  components: string[];
  /** A component path that does not exist is left out instead of failing the render. */
  ignoreMissingComponents: boolean;
}

export interface DirectorySource {
  recurse: boolean;
  /** Glob on file names relative to the app path, e.g. '*.yaml'. */
  include?: string;
  exclude?: string;
  /** `argocd`: the globs are read as Argo CD reads them (an app from an Application); see engine/render/glob.ts. */
  globs?: 'argocd';
}

/**
 * One app as it applies to one environment: the result of reading syncwave.yaml (or an
 * Argo CD Application manifest) and folding the environment's overrides in.
 */
export interface AppSpec {
  name: string;
  env: Environment;
  /** Directory of the app, relative to the repository root, with no leading './'. */
  path: string;
  /** Default namespace for namespaced objects that do not set one. */
  namespace: string;
  /** App wave: lower first; every app of a wave is healthy before the next wave starts. */
  wave: number;
  /** Forced source type; detected from the files when absent. */
  sourceType?: SourceType;
  helm: HelmSource;
  directory: DirectorySource;
  /** Set: the kustomization is edited before it is built (Argo CD's spec.source.kustomize). */
  kustomize?: KustomizeSource;
  syncPolicy: SyncPolicy;
  ignoreDifferences: IgnoreDifference[];
  /** Extra repo paths whose change affects this app (Argo CD's manifest-generate-paths). */
  extraPaths: string[];
  /** Where the app was declared: 'syncwave.yaml' or the path of an Application manifest. */
  declaredIn: string;
}
