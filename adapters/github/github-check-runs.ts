import type { Octokit } from '@octokit/rest';
import type { PreviewPublisher, PreviewReport, PreviewTarget } from '../../engine/index.ts';
import { previewCheckName, previewMarkdown } from '../../engine/index.ts';
import { parseRepoName } from './repo-name.ts';

export interface GithubCheckRunsOptions {
  /** An authenticated client; baseUrl may point at GHES or a test stand-in. */
  octokit: Octokit;
}

/** success when everything would apply (changes or none), failure when a render or a dry run fails. */
export function conclusionOf(report: PreviewReport): 'success' | 'failure' {
  return report.outcome === 'failed' ? 'failure' : 'success';
}

/** The handle of a preview that could not get a check run: it reports as a commit status instead. */
const STATUS_HANDLE = 'commit-status';

const httpStatus = (error: unknown): number | undefined => (error as { status?: number } | null)?.status;

/**
 * Previews as GitHub check runs named `syncwave/preview/ENV` on the head commit: created
 * in_progress when the preview starts, completed with the report (summary: a table per app;
 * text: the diffs, cut at GitHub's 65535-character limit with a note). Only a GitHub App's
 * token (`checks: write`) may create check runs; with any other token (403/404) the preview is
 * reported as a commit status of the same name, its title as the description.
 */
export class GithubCheckRuns implements PreviewPublisher {
  readonly #octokit: Octokit;

  constructor(options: GithubCheckRunsOptions) {
    this.#octokit = options.octokit;
  }

  async started(target: PreviewTarget): Promise<string | undefined> {
    try {
      const res = await this.#octokit.rest.checks.create({
        ...parseRepoName(target.repo),
        name: previewCheckName(target.env),
        head_sha: target.revision,
        status: 'in_progress',
        output: { title: `previewing ${target.env}`, summary: 'rendering and dry-running the affected apps' },
      });
      return String(res.data.id);
    } catch (error) {
      if (httpStatus(error) !== 403 && httpStatus(error) !== 404) throw error;
      await this.#status(target, 'pending', `previewing ${target.env}`);
      return STATUS_HANDLE;
    }
  }

  async finished(target: PreviewTarget & { handle?: string; report: PreviewReport }): Promise<void> {
    const md = previewMarkdown(target.report, {
      command: `syncwave preview --repo . --env ${target.env} --revision ${target.revision}`,
    });
    if (target.handle === STATUS_HANDLE) {
      await this.#status(target, conclusionOf(target.report), md.title);
      return;
    }
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

  async #status(target: PreviewTarget, state: 'pending' | 'success' | 'failure', description: string) {
    await this.#octokit.rest.repos.createCommitStatus({
      ...parseRepoName(target.repo),
      sha: target.revision,
      state,
      context: previewCheckName(target.env),
      description: description.length > 140 ? `${description.slice(0, 139)}…` : description,
    });
  }
}
