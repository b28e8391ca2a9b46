import type { ToolRunResult } from '../ports.ts';
import type { RenderFailure } from './errors.ts';
import { formatBytes } from './render-limits.ts';

/** A tool run the runner cut short, as the limit it hit, naming the file it was rendering. */
export function toolStopped(res: ToolRunResult, what: string, file: string): RenderFailure | undefined {
  if (!res.stopped) return undefined;
  const detail =
    res.stopped.limit === 'timeout'
      ? `${what} ran longer than the ${res.stopped.ms / 1000} s limit and was stopped`
      : `${what} wrote more than the ${formatBytes(res.stopped.bytes)} limit of rendered output and was stopped`;
  return { reason: 'limit-exceeded', file, detail };
}
