import type { Octokit } from '@octokit/rest';
import { parseRepoName } from './repo-name.ts';

export type CompareStatus = 'ahead' | 'behind' | 'identical' | 'diverged';

export interface GithubCompareInput {
  octokit: Octokit;
  repo: string;
  base: string;
  head: string;
}

/** The compare API caps `files` at 300: beyond it the list is incomplete. */
export const MAX_COMPARE_FILES = 300;

export interface GithubCompareResult {
  /** How head relates to base: `behind`/`identical` means head is an ancestor of (or equal to) base. */
  status: CompareStatus;
  /** Paths changed from base to head (renames give both names); undefined when GitHub truncated the list. */
  files?: string[];
}

/** GitHub's compare API: ancestry and changed paths of two commits, without a clone. */
export async function githubCompare(input: GithubCompareInput): Promise<GithubCompareResult> {
  const res = await input.octokit.rest.repos.compareCommits({
    ...parseRepoName(input.repo),
    base: input.base,
    head: input.head,
    per_page: 1,
  });
  const files = res.data.files ?? [];
  const complete = files.length < MAX_COMPARE_FILES;
  const names = files.flatMap((f) =>
    f.previous_filename ? [f.previous_filename, f.filename] : [f.filename],
  );
  return {
    status: res.data.status as CompareStatus,
    ...(complete ? { files: [...new Set(names)].sort() } : {}),
  };
}

/** True when `ancestor` is reachable from `descendant` (or the same commit). */
export async function githubIsAncestor(input: {
  octokit: Octokit;
  repo: string;
  ancestor: string;
  descendant: string;
}): Promise<boolean> {
  const { status } = await githubCompare({
    octokit: input.octokit,
    repo: input.repo,
    base: input.descendant,
    head: input.ancestor,
  });
  return status === 'behind' || status === 'identical';
}
