import type { Octokit } from '@octokit/rest';
import type { Notifier } from '../../engine/index.ts';
import { parseRepoName } from './repo-name.ts';

export interface GithubNotifierOptions {
  /** An authenticated client; its baseUrl points at GitHub, GHES, or a test stand-in. */
  octokit: Octokit;
}

/** GitHub allows 140 characters of description. */
const MAX_DESCRIPTION = 140;

/** The commit-status context of an environment. */
export const commitStatusContext = (env: string) => `syncwave/${env}`;

/** Commit statuses on GitHub (pending, success, failure, error), one context per environment. */
export class GithubNotifier implements Notifier {
  readonly #octokit: Octokit;

  constructor(options: GithubNotifierOptions) {
    this.#octokit = options.octokit;
  }

  async commitStatus(input: Parameters<Notifier['commitStatus']>[0]): Promise<void> {
    const description =
      input.description.length > MAX_DESCRIPTION
        ? `${input.description.slice(0, MAX_DESCRIPTION - 1)}…`
        : input.description;
    await this.#octokit.rest.repos.createCommitStatus({
      ...parseRepoName(input.repo),
      sha: input.revision,
      state: input.state,
      context: input.context,
      description,
    });
  }
}
