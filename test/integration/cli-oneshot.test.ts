// The one-shot commands that need no server (validate, render, sync, diff), run as a process
// against a local git repository and the shared control plane.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
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

function sw(...args: string[]): Promise<CliResult> {
  return runSyncwave([...args, '--data-dir', join(work, 'data')], { env: { NO_COLOR: '1' } });
}

const ns = (app: string): string => `${env}-${app}`;

beforeAll(async () => {
  kubeconfig = process.env.KUBECONFIG ?? '';
  if (!kubeconfig) throw new Error('KUBECONFIG is not set: run through the integration project');
  context = (parse(await readFile(kubeconfig, 'utf8')) as { 'current-context': string })['current-context'];
  env = `one${process.pid % 1000}`;
  work = await mkdtemp(join(tmpdir(), 'sw-cli-oneshot-'));
  repo = await createWorkRepo({ dir: join(work, 'repo'), from: EXAMPLES, branches: ['develop'] });
  const config = singleEnvironmentConfig(await readFile(join(repo.dir, 'syncwave.yaml'), 'utf8'), {
    env,
    context,
  });
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

describe('one-shot commands', () => {
  it('validate: exit 0 on a good repository, 1 on a broken syncwave.yaml with the field path', async () => {
    const good = await sw('validate', '--repo', repo.dir);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain(`ok   ${env}/frontend`);
    expect(good.stdout).toContain('is valid');
    // A mistyped --env is an error naming the declared environments, not a pass over nothing.
    const typo = await sw('validate', '--repo', repo.dir, '--env', 'nosuch');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('no environment "nosuch" in syncwave.yaml; declared:');

    await repo.git('checkout', '-q', '-b', 'broken');
    const file = join(repo.dir, 'syncwave.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('    wave: 0', '    wave: zero'));
    await repo.commitAll('broken wave');
    await repo.checkout('develop');
    const bad = await sw('validate', '--repo', repo.dir, '--revision', 'broken');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('apps[0].wave');
    expect(bad.stderr).toContain('syncwave.yaml');
  });

  it('render: the manifests as they would be applied', async () => {
    const r = await sw('render', 'frontend', '--repo', repo.dir, '--env', env);
    expect(r.code, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map(
      (d) => d.toJS() as { kind: string; metadata: { namespace?: string } },
    );
    expect(docs.map((d) => d.kind).sort()).toEqual(['Deployment', 'Service']);
    expect(docs.every((d) => d.metadata.namespace === ns('frontend'))).toBe(true);
    expect(r.stdout).toContain('ghcr.io/example/frontend:2.0.0');
  });

  it('diff exit 2 on an error; sync -o json lists per app phase, message, health and objects; then diff 0 / 1', async () => {
    const unknown = await sw('diff', '--repo', repo.dir, '--env', 'nosuchenv', '--kubeconfig', kubeconfig);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('nosuchenv');

    const sync = await sw(
      'sync',
      '--repo',
      repo.dir,
      '--env',
      env,
      '--kubeconfig',
      kubeconfig,
      '--context',
      context,
      '-o',
      'json',
    );
    expect(sync.code, sync.stderr).toBe(0);
    const result = JSON.parse(sync.stdout) as JobResult;
    expect(result.outcome).toBe('succeeded');
    expect(result.apps.map((a) => [a.app, a.wave, a.phase])).toEqual([
      ['database', 0, 'Succeeded'],
      ['backend', 1, 'Succeeded'],
      ['frontend', 2, 'Succeeded'],
    ]);
    for (const a of result.apps) {
      expect(a.message).toMatch(/synced/);
      expect(a.health.status).toBeTruthy();
      expect(a.resources.length).toBeGreaterThan(0);
      for (const o of a.resources) expect(o.action).toBe('create');
    }
    expect(result.apps[2]?.resources.map((o) => `${o.kind}/${o.name}`).sort()).toEqual([
      'Deployment/frontend',
      'Service/frontend',
    ]);

    const inSync = await sw(
      'diff',
      '--repo',
      repo.dir,
      '--env',
      env,
      '--kubeconfig',
      kubeconfig,
      '--context',
      context,
    );
    expect(inSync.code, inSync.stdout + inSync.stderr).toBe(0);

    await kubectl(kubeconfig, ['scale', 'deployment/backend', '-n', ns('backend'), '--replicas=4']);
    const drift = await sw(
      'diff',
      '--repo',
      repo.dir,
      '--env',
      env,
      '--app',
      'backend',
      '--kubeconfig',
      kubeconfig,
      '--context',
      context,
    );
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('replicas');

    const unreachable = join(work, 'unreachable-kubeconfig');
    await writeFile(
      unreachable,
      (await readFile(kubeconfig, 'utf8')).replace(/https:\/\/127\.0\.0\.1:\d+/g, 'https://127.0.0.1:1'),
    );
    const down = await sw(
      'diff',
      '--repo',
      repo.dir,
      '--env',
      env,
      '--kubeconfig',
      unreachable,
      '--context',
      context,
    );
    expect(down.code, down.stdout + down.stderr).toBe(2);
  });
});
