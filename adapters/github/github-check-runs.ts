import type { Octokit } from '@octokit/rest';
import { previewMarkdown } from '../../engine/preview/preview-markdown.ts';
import type { PreviewPublisher, PreviewTarget } from '../../engine/preview/preview-publisher.ts';
import { previewCheckName } from '../../engine/preview/preview-publisher.ts';
import type { PreviewReport } from '../../engine/preview/preview-report.ts';
import { parseRepoName } from './repo-name.ts';

export interface GithubCheckRunsOptions {
  /** An authenticated client (the token needs `checks: write`); baseUrl may point at GHES or a test stand-in. */
  octokit: Octokit;
}

/** success when everything would apply (changes or none), failure when a render or a dry run fails. */
export function conclusionOf(report: PreviewReport): 'success' | 'failure' {
  return report.outcome === 'failed' ? 'failure' : 'success';
}

/**
 * Previews as GitHub check runs named `syncwave/preview/ENV` on the head commit: created
 * in_progress when the preview starts, completed with the report (summary: a table per app;
 * text: the diffs, cut at GitHub's 65535-character limit with a note).
 */
export class GithubCheckRuns implements PreviewPublisher {
  readonly #octokit: Octokit;

  constructor(options: GithubCheckRunsOptions) {
    this.#octokit = options.octokit;
  }

  async started(target: PreviewTarget): Promise<string | undefined> {
    const res = await this.#octokit.rest.checks.create({
      ...parseRepoName(target.repo),
      name: previewCheckName(target.env),
      head_sha: target.revision,
      status: 'in_progress',
      output: { title: `previewing ${target.env}`, summary: 'rendering and dry-running the affected apps' },
    });
    return String(res.data.id);
  }

  async finished(target: PreviewTarget & { handle?: string; report: PreviewReport }): Promise<void> {
    const md = previewMarkdown(target.report, {
      command: `syncwave preview --repo . --env ${target.env} --revision ${target.revision}`,
    });
    const body = {
      ...parseRepoName(target.repo),
      status: 'completed' as const,
      conclusion: conclusionOf(target.report),
      output: { title: md.title.slice(0, 255), summary: md.summary, ...(md.text ? { text: md.text } : {}) },
    };
    if (target.handle) {
      await this.#octokit.rest.checks.update({ ...body, check_run_id: Number(target.handle) });
      return;
    }
    await this.#octokit.rest.checks.create({
      ...body,
      name: previewCheckName(target.env),
      head_sha: target.revision,
    });
  }
}
