import type { PreviewPublisher, PreviewReport, PreviewTarget } from '../../engine/index.ts';
import { previewMarkdown } from '../../engine/index.ts';

export interface GitlabMergeRequestNotesOptions {
  /** The API root, e.g. `https://gitlab.com/api/v4` (or a test stand-in). */
  apiUrl: string;
  /** A token with the `api` scope (sent as PRIVATE-TOKEN). */
  token: string;
  fetch?: typeof fetch;
}

/** GitLab notes hold up to 1,000,000 characters; a preview stays well below so the page stays usable. */
const NOTE_LIMIT = 100_000;

/** Thrown when GitLab refuses the note; the message says what to check. */
export class GitlabNoteError extends Error {
  override name = 'GitlabNoteError';
}

/**
 * Previews as a note on the merge request: one note per finished preview (title, the table per
 * app, the diffs). Nothing is posted when a preview starts. The one call is hand-written with
 * fetch (POST /projects/:path/merge_requests/:iid/notes): a GitLab client library for it alone
 * would weigh more than this file.
 */
export class GitlabMergeRequestNotes implements PreviewPublisher {
  readonly #opts: GitlabMergeRequestNotesOptions;

  constructor(options: GitlabMergeRequestNotesOptions) {
    this.#opts = options;
  }

  async started(): Promise<string | undefined> {
    return undefined;
  }

  async finished(target: PreviewTarget & { report: PreviewReport }): Promise<void> {
    const mr = target.pullRequest;
    if (!mr || mr.provider !== 'gitlab') return;
    const md = previewMarkdown(target.report, {
      limit: NOTE_LIMIT,
      command: `syncwave preview --repo . --env ${target.env} --revision ${target.revision}`,
    });
    const icon = target.report.outcome === 'failed' ? '❌' : '✅';
    const body = [
      `**${icon} syncwave/preview/${target.env}**: ${md.title}`,
      '',
      md.summary,
      '',
      md.text,
    ].join('\n');
    const url = `${this.#opts.apiUrl.replace(/\/$/, '')}/projects/${encodeURIComponent(target.repo)}/merge_requests/${mr.number}/notes`;
    const res = await (this.#opts.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'private-token': this.#opts.token },
      body: JSON.stringify({ body }),
    });
    if (!res.ok)
      throw new GitlabNoteError(
        `${target.repo}!${mr.number}: GitLab refused the preview note (HTTP ${res.status}); check that the token has the api scope and access to the project`,
      );
  }
}
