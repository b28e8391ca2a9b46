/**
 * Bounds on what one app's render may cost, so a hostile or mistaken repository fails with a
 * message instead of exhausting the worker. Defaults are documented in docs/configuration.md.
 */
export interface RenderLimits {
  /** Largest single file read from the repository (manifest, values, Chart.yaml, syncwave.yaml). */
  maxFileBytes: number;
  /** Largest rendered output of one app (helm/kustomize stdout, or all of a directory's files). */
  maxRenderedBytes: number;
  /** Most objects one app may render. */
  maxObjects: number;
  /** YAML aliases resolved per document (the `yaml` package's guard against alias bombs). */
  maxAliasCount: number;
  /** How long one helm or kustomize run may take. */
  toolTimeoutMs: number;
  /** Largest download for a remote chart: a chart archive, a repository's index.yaml, an OCI manifest. */
  maxChartBytes: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  maxFileBytes: 8 * 1024 * 1024,
  maxRenderedBytes: 64 * 1024 * 1024,
  maxObjects: 10_000,
  maxAliasCount: 100,
  toolTimeoutMs: 120_000,
  maxChartBytes: 32 * 1024 * 1024,
};

/** The defaults with the given overrides. */
export function renderLimits(over: Partial<RenderLimits> = {}): RenderLimits {
  return { ...DEFAULT_RENDER_LIMITS, ...over };
}

/** `8 MiB`, `64 KiB`, `512 bytes`: a limit as a person reads it. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
