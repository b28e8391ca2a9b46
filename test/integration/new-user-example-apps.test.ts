// A new user's Argo CD repository in the style of argocd-example-apps (test/fixtures/argocd-style/
// example-apps: a plain directory, a Helm chart, a Kustomization, sync waves with generateName
// hooks, Helm hooks, and the `apps/` chart of child Applications), with no syncwave.yaml, run
// as the README says: from inside the repository, no --repo, no --data-dir.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobResult } from '../../engine/job/job-result.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import { type NewUserRepo, openNewUserRepo } from '../support/new-user-repo.ts';

let u: NewUserRepo;
const ns = (app: string): string => `${u.prefix}-ns-${app}`;

beforeAll(async () => {
  u = await openNewUserRepo('example-apps', `nuex${process.pid % 1000}`);
});

afterAll(async () => {
  await u.close();
});

describe('an argocd-example-apps style repository, as a new user runs it', () => {
  it('validate says what it read (Applications, not a syncwave.yaml) and leaves git status clean', async () => {
    const v = await u.sw('validate');
    expect(v.code, v.stderr).toBe(0);
    for (const app of ['guestbook', 'helm-guestbook', 'kustomize-guestbook', 'sync-waves', 'helm-hooks'])
      expect(v.stdout).toContain(`ok   default/${app}`);
    expect(v.stdout).toMatch(
      /the Argo CD configuration \(Application manifests, no syncwave.yaml\) at [0-9a-f]{7} is valid; 5 app\(s\) render/,
    );
    expect(v.stdout).not.toContain('syncwave.yaml at');
    // The default data directory is inside the repository: it must not show up for `git add -A`,
    // and it holds rendered Secrets: only its owner may read it.
    expect(await u.repo.git('status', '--porcelain')).toBe('');
    expect((await stat(join(u.repo.dir, '.syncwave', 'data'))).mode & 0o777).toBe(0o700);
  });

  it('without the root Application (argocd app create made it), the error names the chart and what to add', async () => {
    await u.repo.git('checkout', '-q', '-b', 'no-root');
    await u.repo.git('rm', '-q', 'argocd/root.yaml');
    await u.repo.commitAll('the root lives only in Argo CD');
    const v = await u.sw('validate');
    await u.repo.checkout('main');
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('the repository at');
    expect(v.stderr).toMatch(
      /apps\/templates\/[a-z-]+\.yaml: a Helm chart \(apps\) that renders Argo CD Applications/,
    );
    expect(v.stderr).toContain('argocd app create --path apps');
    expect(v.stderr).not.toContain('.syncwave/data/cache');
  });

  it('sync deploys every child in app-wave order with its hooks; a second sync runs new hook runs; diff is clean', async () => {
    const first = await u.sw('sync', '--env', 'default', ...u.cluster(), '-o', 'json');
    expect(first.code, first.stderr).toBe(0);
    // No context is named "default": the current one is used, and the note names the flag to change it.
    expect(first.stderr).toMatch(/no context "default".*current context.*--context NAME/);
    const result = JSON.parse(first.stdout) as JobResult;
    expect(result.outcome).toBe('succeeded');
    expect(result.apps.map((a) => [a.wave, a.app, a.phase]).sort()).toEqual([
      [0, 'guestbook', 'Succeeded'],
      [1, 'helm-guestbook', 'Succeeded'],
      [1, 'kustomize-guestbook', 'Succeeded'],
      [2, 'helm-hooks', 'Succeeded'],
      [2, 'sync-waves', 'Succeeded'],
    ]);
    const hookRuns = async (namespace: string) =>
      (await kubectl(u.kubeconfig, ['get', 'jobs', '-n', namespace, '-o', 'name'])).split('\n').sort();
    const waves = await hookRuns(ns('sync-waves'));
    // PreSync with generateName: a run named as Argo CD names it; PostSync HookSucceeded: deleted.
    expect(
      waves.filter((j) => /^job.batch\/upgrade-sql-schema[0-9a-f]{7}-presync-\d+$/.test(j)),
    ).toHaveLength(1);
    expect(waves).toContain('job.batch/maint-page-up');
    expect(waves.some((j) => j.includes('slack-notification'))).toBe(false);
    const helmHooks = await hookRuns(ns('helm-hooks'));
    expect(helmHooks).toContain('job.batch/helm-hooks-smoke');
    expect(helmHooks.filter((j) => j.includes('upgrade-sql-schema'))).toHaveLength(1);
    // helm.sh/hook: test is dropped, as Argo CD drops it.
    const pods = await kubectl(u.kubeconfig, ['get', 'pods', '-n', ns('helm-hooks'), '-o', 'name']);
    expect(pods).not.toContain('helm-hooks-test');

    const diff = await u.sw('diff', '--env', 'default', ...u.cluster());
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);

    const second = await u.sw('sync', '--env', 'default', ...u.cluster());
    expect(second.code, second.stderr).toBe(0);
    // The run's name is said once: `created Job/NS/NAME - run of hook upgrade-sql-schema`.
    expect(second.stdout).toMatch(
      /created Job\/[a-z0-9-]+\/upgrade-sql-schema[0-9a-f]{7}-presync-\d+ - run of hook upgrade-sql-schema\n/,
    );
    // BeforeHookCreation (the default) deletes the earlier run of a generated hook before the new one.
    const again = await hookRuns(ns('sync-waves'));
    const presync = again.filter((j) => j.includes('upgrade-sql-schema'));
    expect(presync).toHaveLength(1);
    expect(presync).not.toEqual(waves.filter((j) => j.includes('upgrade-sql-schema')));
  });
});
