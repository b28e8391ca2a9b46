import type { DownloadResult } from '../ports.ts';
import type { RenderFailure } from './errors.ts';

/** Where a chart version's archive is, and what it must hash to. */
export interface ChartLocation {
  /** The version chosen (the exact one named, or the highest a range allows). */
  version: string;
  archiveUrl: string;
  /** Lower-case hex sha256 the archive must have; undefined when the repository's index gives none. */
  sha256?: string;
  /** Size the registry declares, checked against the limit before downloading. */
  size?: number;
  /** The Accept header for the archive (OCI blobs need none). */
  accept?: string;
}

export type Located = { ok: true; location: ChartLocation } | { ok: false; failure: RenderFailure };

/** A failed download as a render failure on `file`. */
export function downloadFailure(file: string, res: Extract<DownloadResult, { ok: false }>): RenderFailure {
  const reason =
    res.reason === 'network-refused'
      ? 'network-refused'
      : res.reason === 'limit-exceeded'
        ? 'limit-exceeded'
        : 'chart-fetch-failed';
  return { reason, file, detail: res.detail };
}
