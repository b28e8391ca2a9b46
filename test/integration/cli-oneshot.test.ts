// The one-shot commands that need no server (validate, render, sync, diff), run as a process
// against a local git repository and the shared control plane.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { JobResult } from '../../engine/job/job-result.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import { type ExampleEnvironment, openExampleEnvironment } from '../support/example-environment.ts';

let e: ExampleEnvironment;

beforeAll(async () => {
  e = await openExampleEnvironment({ env: `one${process.pid % 1000}` });
});

afterAll(async () => {
  await e.close();
});

describe('one-shot commands', () => {
  it('validate: exit 0 on a good repository, 1 on a broken syncwave.yaml with the field path', async () => {
    const good = await e.sw('validate', '--repo', e.repo.dir);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain(`ok   ${e.env}/frontend`);
    expect(good.stdout).toContain('is valid');
    // A mistyped --env is an error naming the declared environments, not a pass over nothing.
    const typo = await e.sw('validate', '--repo', e.repo.dir, '--env', 'nosuch');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('no environment "nosuch" in syncwave.yaml; declared:');

    await e.repo.git('checkout', '-q', '-b', 'broken');
    const file = join(e.repo.dir, 'syncwave.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('    wave: 0', '    wave: zero'));
    await e.repo.commitAll('broken wave');
    await e.repo.checkout('develop');
    const bad = await e.sw('validate', '--repo', e.repo.dir, '--revision', 'broken');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('apps[0].wave');
    expect(bad.stderr).toContain('syncwave.yaml');
  });

  it('render: the manifests as they would be applied', async () => {
    const r = await e.sw('render', 'frontend', '--repo', e.repo.dir, '--env', e.env);
    expect(r.code, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map(
      (d) => d.toJS() as { kind: string; metadata: { namespace?: string } },
    );
    expect(docs.map((d) => d.kind).sort()).toEqual(['Deployment', 'Service']);
    expect(docs.every((d) => d.metadata.namespace === e.ns('frontend'))).toBe(true);
    expect(r.stdout).toContain('ghcr.io/example/frontend:2.0.0');
  });

  it('diff exit 2 on an error; sync -o json lists per app phase, message, health and objects; then diff 0 / 1', async () => {
    const unknown = await e.sw(
      'diff',
      '--repo',
      e.repo.dir,
      '--env',
      'nosuchenv',
      '--kubeconfig',
      e.kubeconfig,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('nosuchenv');

    const sync = await e.sw('sync', ...e.target(), '-o', 'json');
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

    const inSync = await e.sw('diff', ...e.target());
    expect(inSync.code, inSync.stdout + inSync.stderr).toBe(0);

    await kubectl(e.kubeconfig, ['scale', 'deployment/backend', '-n', e.ns('backend'), '--replicas=4']);
    const drift = await e.sw('diff', ...e.target(), '--app', 'backend');
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('replicas');

    const unreachable = join(e.work, 'unreachable-kubeconfig');
    await writeFile(
      unreachable,
      (await readFile(e.kubeconfig, 'utf8')).replace(/https:\/\/127\.0\.0\.1:\d+/g, 'https://127.0.0.1:1'),
    );
    const down = await e.sw(
      'diff',
      '--repo',
      e.repo.dir,
      '--env',
      e.env,
      '--kubeconfig',
      unreachable,
      '--context',
      e.context,
    );
    expect(down.code, down.stdout + down.stderr).toBe(2);
  });
});
