import type { RenderFailure } from './errors.ts';

export interface HelmErrorContext {
  /** The chart's name from Chart.yaml: helm prefixes template paths with it. */
  chartName: string;
  /** Repository-relative path of the chart directory. */
  chartPath: string;
}

/** Helm's own message without the "Error: " prefix and the "--debug" advice, on one line. */
export function helmDetail(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('Use --debug flag'))
    .join(' ')
    .replace(/^Error: /, '');
}

/** `chart/templates/x.yaml` (as helm writes it) -> `<chartPath>/templates/x.yaml`. */
export function chartFileToRepoPath(chartFile: string, ctx: HelmErrorContext): string | undefined {
  const prefix = `${ctx.chartName}/`;
  if (!chartFile.startsWith(prefix)) return undefined;
  const rest = chartFile.slice(prefix.length);
  return ctx.chartPath === '.' ? rest : `${ctx.chartPath}/${rest}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A failed `helm template` as a RenderFailure: the template helm names (with its line) mapped
 * to the repository path, else the chart's Chart.yaml; helm's message as the detail.
 */
export function helmFailure(stderr: string, ctx: HelmErrorContext): RenderFailure {
  const detail = helmDetail(stderr);
  const pattern = new RegExp(`(${escapeRegExp(ctx.chartName)}/[^\\s:()"]+)(?::(\\d+))?`);
  const m = pattern.exec(detail);
  const file = m?.[1] ? chartFileToRepoPath(m[1], ctx) : undefined;
  return {
    reason: 'tool-failed',
    file: file ?? (ctx.chartPath === '.' ? 'Chart.yaml' : `${ctx.chartPath}/Chart.yaml`),
    line: file && m?.[2] ? Number(m[2]) : undefined,
    detail: `helm template: ${detail}`,
  };
}
