import { z } from 'zod';
import { destinationPolicySchema } from '../policy/destination-policy.ts';

/** `syncwave.yaml` as written by people. Defaults are applied later by resolveApps(). */

const syncPolicySchema = z.strictObject({
  automated: z
    .strictObject({
      prune: z.boolean().optional(),
      selfHeal: z.boolean().optional(),
      allowEmpty: z.boolean().optional(),
      enabled: z.boolean().optional(),
    })
    .nullable()
    .optional(),
  syncOptions: z.array(z.string().regex(/^[A-Za-z]+=[A-Za-z0-9-]+$/, 'expected Name=value')).optional(),
  /** "5m", "90s", or whole seconds. */
  healthTimeout: z
    .union([
      z.string().regex(/^\d+(s|m|h)$/, 'expected a duration like 90s or 5m'),
      z.number().int().positive(),
    ])
    .optional(),
});

const helmSchema = z.strictObject({
  releaseName: z.string().min(1).optional(),
  valueFiles: z.array(z.string().min(1)).optional(),
  /** Argo CD's `ignoreMissingValueFiles`: a value file that does not exist is skipped, not an error. */
  ignoreMissingValueFiles: z.boolean().optional(),
  values: z.record(z.string(), z.unknown()).optional(),
  parameters: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        value: z.union([z.string(), z.number(), z.boolean()]),
        /** `--set-string`: the value stays a string (Argo CD's forceString). */
        forceString: z.boolean().optional(),
      }),
    )
    .optional(),
  skipCrds: z.boolean().optional(),
  /** A chart from a Helm chart repository or OCI registry (with repoURL and version), instead of `path`. */
  chart: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a chart name')
    .optional(),
  repoURL: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
});

const directorySchema = z.strictObject({
  recurse: z.boolean().optional(),
  include: z.string().optional(),
  exclude: z.string().optional(),
});

/** Argo CD's `spec.source.kustomize` (also accepted in syncwave.yaml as `kustomize:`). */
export const kustomizeSchema = z.strictObject({
  namePrefix: z.string().optional(),
  nameSuffix: z.string().optional(),
  images: z.array(z.string().min(1)).optional(),
  commonLabels: z.record(z.string(), z.string()).optional(),
  commonAnnotations: z.record(z.string(), z.string()).optional(),
  forceCommonLabels: z.boolean().optional(),
  forceCommonAnnotations: z.boolean().optional(),
  labelWithoutSelector: z.boolean().optional(),
  labelIncludeTemplates: z.boolean().optional(),
  commonAnnotationsEnvsubst: z.boolean().optional(),
  namespace: z.string().optional(),
  patches: z.array(z.record(z.string(), z.unknown())).optional(),
  replicas: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        count: z.union([z.number().int().min(0), z.string().regex(/^\d+$/, 'expected a whole number')]),
      }),
    )
    .optional(),
  components: z.array(z.string().min(1)).optional(),
  ignoreMissingComponents: z.boolean().optional(),
  /** Accepted and ignored: the kustomize built into kubectl is used. */
  version: z.string().optional(),
  kubeVersion: z.string().optional(),
  apiVersions: z.array(z.string()).optional(),
});

export const ignoreDifferenceSchema = z
  .strictObject({
    group: z.string().optional(),
    kind: z.string().min(1),
    name: z.string().optional(),
    namespace: z.string().optional(),
    jsonPointers: z.array(z.string().startsWith('/')).optional(),
    jqPathExpressions: z.array(z.string().min(1)).optional(),
    managedFieldsManagers: z.array(z.string().min(1)).optional(),
  })
  .refine(
    (d) => Boolean(d.jsonPointers?.length || d.jqPathExpressions?.length || d.managedFieldsManagers?.length),
    'give jsonPointers, jqPathExpressions or managedFieldsManagers',
  );

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a lowercase DNS label (a-z, 0-9, -)')
  .max(63);

/** What an environment may change about an app, without copying it. */
const appOverrideSchema = z.strictObject({
  enabled: z.boolean().optional(),
  path: z.string().min(1).optional(),
  namespace: dnsLabel.optional(),
  wave: z.number().int().optional(),
  helm: helmSchema.optional(),
  directory: directorySchema.optional(),
  syncPolicy: syncPolicySchema.optional(),
});

export const appSchema = z
  .strictObject({
    name: dnsLabel,
    /** Required unless the app installs a chart from a repository (helm.chart). */
    path: z.string().min(1).optional(),
    namespace: dnsLabel.optional(),
    wave: z.number().int().optional(),
    source: z.enum(['directory', 'helm', 'kustomize']).optional(),
    helm: helmSchema.optional(),
    directory: directorySchema.optional(),
    kustomize: kustomizeSchema.optional(),
    syncPolicy: syncPolicySchema.optional(),
    ignoreDifferences: z.array(ignoreDifferenceSchema).optional(),
    /** Extra repository paths whose change affects this app (Argo CD's manifest-generate-paths). */
    paths: z.array(z.string().min(1)).optional(),
    /** Per-environment overrides, keyed by environment name. */
    environments: z.record(z.string(), appOverrideSchema).optional(),
  })
  .superRefine((app, ctx) => {
    const chart = app.helm?.chart;
    if (!app.path && !chart)
      ctx.addIssue({
        code: 'custom',
        path: ['path'],
        message: 'required (or helm.chart, helm.repoURL and helm.version for a chart from a repository)',
      });
    if (chart && !app.helm?.repoURL)
      ctx.addIssue({
        code: 'custom',
        path: ['helm', 'repoURL'],
        message: `required with helm.chart (the repository of chart ${chart})`,
      });
    if (chart && !app.helm?.version)
      ctx.addIssue({
        code: 'custom',
        path: ['helm', 'version'],
        message: `required with helm.chart (a version or range of chart ${chart})`,
      });
  });

export const environmentSchema = z.strictObject({
  branch: z.string().min(1),
  cluster: z.string().min(1).optional(),
  namespacePrefix: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'expected lowercase letters, digits and -')
    .optional(),
  /** Narrows the operator's destination policy for this environment; can never widen it. */
  policy: destinationPolicySchema.optional(),
});

export const repoConfigSchema = z.strictObject({
  environments: z
    .record(dnsLabel, environmentSchema)
    .refine((e) => Object.keys(e).length > 0, 'declare at least one environment'),
  apps: z.array(appSchema).optional(),
  /** Globs of Argo CD Application manifests to read as apps (e.g. "argocd/*.yaml"). */
  applications: z.array(z.string().min(1)).optional(),
  /** History entries kept per app (Argo CD's revisionHistoryLimit). */
  historyLimit: z.number().int().min(1).max(100).optional(),
});

export type RawRepoConfig = z.infer<typeof repoConfigSchema>;
export type RawApp = z.infer<typeof appSchema>;
export type RawAppOverride = z.infer<typeof appOverrideSchema>;
export type RawSyncPolicy = z.infer<typeof syncPolicySchema>;
