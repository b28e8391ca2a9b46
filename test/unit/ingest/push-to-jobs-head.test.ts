import { describe, expect, it } from 'vitest';
import { parseGithubPush, parseGitlabPush } from '../../../ingest/push-event.ts';
import { pushToJobs } from '../../../ingest/push-to-jobs.ts';

const SHA = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);

function github(ref: string, defaultBranch?: string) {
  const parsed = parseGithubPush({
    ref,
    before: OTHER,
    after: SHA,
    commits: [{ id: SHA, added: [], modified: ['guestbook/a.yaml'], removed: [] }],
    repository: { full_name: 'acme/gitops', ...(defaultBranch ? { default_branch: defaultBranch } : {}) },
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.push;
}

describe('an environment bound to HEAD (Applications with targetRevision: HEAD)', () => {
  const environments = [{ name: 'default', branch: 'HEAD' }];
  const now = new Date(0);

  it('follows the default branch the payload names', () => {
    const result = pushToJobs({
      push: github('refs/heads/main', 'main'),
      deliveryId: 'd',
      environments,
      now,
    });
    expect('jobs' in result && result.jobs.map((j) => [j.env, j.revision])).toEqual([['default', SHA]]);
  });

  it('ignores a push to another branch, and one whose payload names no default branch', () => {
    expect(
      pushToJobs({ push: github('refs/heads/feature', 'main'), deliveryId: 'd', environments, now }),
    ).toEqual({
      ignored: 'no environment is bound to branch feature',
    });
    expect(pushToJobs({ push: github('refs/heads/main'), deliveryId: 'd', environments, now })).toEqual({
      ignored: 'no environment is bound to branch main',
    });
  });

  it('reads GitLab project.default_branch', () => {
    const parsed = parseGitlabPush({
      ref: 'refs/heads/trunk',
      before: OTHER,
      after: SHA,
      commits: [],
      project: { path_with_namespace: 'acme/gitops', default_branch: 'trunk' },
    });
    expect(parsed.ok && parsed.push.defaultBranch).toBe('trunk');
  });
});
