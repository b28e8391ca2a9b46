// `syncwave sync --env` run by hand: every app of the environment is synced, policy or not;
// `--automated-only` keeps to what a push would sync; skipped apps are always listed with why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobResult } from '../../engine/job/job-result.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import type { CliResult } from '../../scripts/demo/serve-process.ts';
import { type ExampleEnvironment, openExampleEnvironment } from '../support/example-environment.ts';

let e: ExampleEnvironment;

function sync(...args: string[]): Promise<CliResult> {
  return e.sw('sync', ...e.target(), ...args);
}

beforeAll(async () => {
  // frontend without an automated policy: a push would never sync it
  const manualFrontend = (config: string): string => {
    const edited = config.replace(
      /(helm: \{ valueFiles: \[values.yaml, "values-dev.yaml"\] \}\n\s+)syncPolicy: \{ automated: \{ prune: true, selfHeal: true \}, /,
      '$1syncPolicy: { ',
    );
    if (!/values-dev.yaml"\] \}\n\s+syncPolicy: \{ syncOptions/.test(edited))
      throw new Error('the example syncwave.yaml changed: no automated policy found on frontend');
    return edited;
  };
  e = await openExampleEnvironment({ env: `byhand${process.pid % 1000}`, editConfig: manualFrontend });
});

afterAll(async () => {
  await e.close();
});

describe('syncwave sync --env by hand', () => {
  it('--automated-only syncs the automated apps and lists the manual one as skipped, with the reason', async () => {
    const out = await sync('--automated-only', '-o', 'json');
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(out.stdout) as JobResult;
    expect(result.apps.map((a) => [a.app, a.phase])).toEqual([
      ['database', 'Succeeded'],
      ['backend', 'Succeeded'],
      ['frontend', 'Skipped'],
    ]);
    expect(result.apps[2]?.message).toMatch(/not synced: no automated sync policy/);
    const frontend = await kubectl(e.kubeconfig, [
      'get',
      'deployment',
      '-n',
      e.ns('frontend'),
      '-o',
      'name',
    ]).catch((err: Error) => err.message);
    expect(frontend).not.toContain('deployment.apps/frontend');
  });

  it('without a flag syncs every app, the manual one included', async () => {
    const out = await sync();
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/frontend\s+Succeeded/);
    expect(out.stdout).not.toMatch(/Skipped/);
    const frontend = await kubectl(e.kubeconfig, [
      'get',
      'deployment',
      'frontend',
      '-n',
      e.ns('frontend'),
      '-o',
      'name',
    ]);
    expect(frontend.trim()).toBe('deployment.apps/frontend');
  });

  it('--app lists the apps it leaves out in the table', async () => {
    const out = await sync('--app', 'backend');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/database\s+Skipped\s+\S+\s+not synced: not named by --app/);
    expect(out.stdout).toMatch(/backend\s+Succeeded/);
  });
});
