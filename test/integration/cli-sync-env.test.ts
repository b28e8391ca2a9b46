// `syncwave sync --env` run by hand: every app of the environment is synced, policy or not;
// `--automated-only` keeps to what a push would sync; skipped apps are always listed with why.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JobResult } from '../../engine/job/job-result.ts';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import { type CliResult, runSyncwave } from '../../scripts/demo/serve-process.ts';
import { EXAMPLES } from '../support/serve-env.ts';
import { singleEnvironmentConfig } from '../support/single-environment.ts';

let repo: GitWorkRepo;
let work: string;
let env: string;
let kubeconfig: string;
let context: string;

const ns = (app: string): string => `${env}-${app}`;

function sync(...args: string[]): Promise<CliResult> {
  return runSyncwave(
    ['sync', '--repo', repo.dir, '--env', env, '--kubeconfig', kubeconfig, '--context', context, ...args],
    { env: { NO_COLOR: '1' } },
  );
}

beforeAll(async () => {
  kubeconfig = process.env.KUBECONFIG ?? '';
  if (!kubeconfig) throw new Error('KUBECONFIG is not set: run through the integration project');
  context = (parse(await readFile(kubeconfig, 'utf8')) as { 'current-context': string })['current-context'];
  env = `byhand${process.pid % 1000}`;
  work = await mkdtemp(join(tmpdir(), 'sw-cli-sync-env-'));
  repo = await createWorkRepo({ dir: join(work, 'repo'), from: EXAMPLES, branches: ['develop'] });
  // frontend without an automated policy: a push would never sync it
  const config = singleEnvironmentConfig(await readFile(join(repo.dir, 'syncwave.yaml'), 'utf8'), {
    env,
    context,
  }).replace(
    /(helm: \{ valueFiles: \[values.yaml, "values-dev.yaml"\] \}\n\s+)syncPolicy: \{ automated: \{ prune: true, selfHeal: true \}, /,
    '$1syncPolicy: { ',
  );
  expect(config).toMatch(/values-dev.yaml"\] \}\n\s+syncPolicy: \{ syncOptions/);
  await writeFile(join(repo.dir, 'syncwave.yaml'), config);
  await repo.commitAll(`environment ${env}`);
});

afterAll(async () => {
  for (const app of ['database', 'backend', 'frontend'])
    await kubectl(kubeconfig, ['delete', 'namespace', ns(app), '--ignore-not-found', '--wait=false']).catch(
      () => {},
    );
  if (!process.env.SYNCWAVE_KEEP_TEST_DIRS) await rm(work, { recursive: true, force: true });
});

describe('syncwave sync --env by hand', () => {
  it('--automated-only syncs the automated apps and lists the manual one as skipped, with the reason', async () => {
    const out = await sync('--automated-only', '--data-dir', join(work, 'data'), '-o', 'json');
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(out.stdout) as JobResult;
    expect(result.apps.map((a) => [a.app, a.phase])).toEqual([
      ['database', 'Succeeded'],
      ['backend', 'Succeeded'],
      ['frontend', 'Skipped'],
    ]);
    expect(result.apps[2]?.message).toMatch(/not synced: no automated sync policy/);
    const frontend = await kubectl(kubeconfig, [
      'get',
      'deployment',
      '-n',
      ns('frontend'),
      '-o',
      'name',
    ]).catch((e: Error) => e.message);
    expect(frontend).not.toContain('deployment.apps/frontend');
  });

  it('without a flag syncs every app, the manual one included', async () => {
    const out = await sync('--data-dir', join(work, 'data'));
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/frontend\s+Succeeded/);
    expect(out.stdout).not.toMatch(/Skipped/);
    const frontend = await kubectl(kubeconfig, [
      'get',
      'deployment',
      'frontend',
      '-n',
      ns('frontend'),
      '-o',
      'name',
    ]);
    expect(frontend.trim()).toBe('deployment.apps/frontend');
  });

  it('--app lists the apps it leaves out in the table', async () => {
    const out = await sync('--app', 'backend', '--data-dir', join(work, 'data'));
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/database\s+Skipped\s+\S+\s+not synced: not named by --app/);
    expect(out.stdout).toMatch(/backend\s+Succeeded/);
  });
});
