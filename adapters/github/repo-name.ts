/** `owner/name` (or a github.com URL) as Octokit's { owner, repo }. */
export function parseRepoName(repo: string): { owner: string; repo: string } {
  const m = /^(?:https?:\/\/[^/]+\/|git@[^:]+:)?([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(repo.trim());
  if (!m)
    throw new Error(
      `"${repo}" is not a GitHub repository: expected owner/name or https://github.com/owner/name`,
    );
  return { owner: m[1]!, repo: m[2]! };
}
