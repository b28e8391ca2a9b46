import type { PullRequestRef } from '../ports.ts';
import type { PreviewReport } from './preview-report.ts';

export interface PreviewTarget {
  /** `owner/name` of the repository. */
  repo: string;
  /** The head commit the preview is for. */
  revision: string;
  env: string;
  pullRequest?: PullRequestRef;
}

/**
 * Where previews show: a GitHub check run on the head commit (adapters/github), a GitLab
 * merge request note. `started` may return a handle that `finished` gets back.
 */
export interface PreviewPublisher {
  started(target: PreviewTarget): Promise<string | undefined>;
  finished(target: PreviewTarget & { handle?: string; report: PreviewReport }): Promise<void>;
}

/** The check run's name on the head commit: `syncwave/preview/ENV`. */
export const previewCheckName = (env: string): string => `syncwave/preview/${env}`;
