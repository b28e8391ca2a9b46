// No Secret value is ever shown: a Secret in the GitOps repository (stringData and data), changed
// by hand in the cluster, then looked at through every command a person has (app diff, get,
// history, list, sync; the one-shot render, diff, sync) and the raw API; every line printed and
// serve's whole log are searched for the values, plain and base64.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../engine/diff/hide-secret-data.ts';
import { runSyncwave } from '../../scripts/demo/serve-process.ts';
import { type ServeEnv, serveEnv } from '../support/serve-env.ts';

let s: ServeEnv;
const b64 = (v: string): string => Buffer.from(v).toString('base64');

beforeAll(async () => {
  s = await serveEnv('secrets', { credentialsInUrl: true });
  // database without self-heal: a manual change of its Secret stays for the diffs to show.
  const { readFile, writeFile } = await import('node:fs/promises');
  const file = `${s.repo.dir}/syncwave.yaml`;
  const text = await readFile(file, 'utf8');
  await writeFile(
    file,
    text.replace(
      /(- name: database[\s\S]*?)automated: \{ prune: true, selfHeal: true \}/,
      '$1automated: { prune: true, selfHeal: false }',
    ),
  );
  const { sha } = await s.push('database without self-heal');
  await s.waitSynced(['database', 'backend', 'frontend'], sha);
});

afterAll(async () => {
  await s?.stop();
});

/** A one-shot command, its output collected. */
async function oneShot(args: string[]): Promise<{ code: number; out: string }> {
  const r = await runSyncwave([...args, '--data-dir', `${s.work}/oneshot`], { env: { NO_COLOR: '1' } });
  s.canary.collect(`syncwave ${args.join(' ')}`, `${r.stdout}\n${r.stderr}`);
  return { code: r.code, out: r.stdout + r.stderr };
}

describe('Secret values', () => {
  it('are in the cluster as Git says (the test would see a leak if one were printed)', async () => {
    const token = await s.kubectl([
      'get',
      'secret',
      'canary',
      '-n',
      s.ns('database'),
      '-o',
      'jsonpath={.data.token}',
    ]);
    expect(token).toBe(b64(s.canary.values[1]!));
  });

  it('never show in app diff / get / history / list / sync, nor in the API, after a manual change', async () => {
    await s.kubectl([
      'patch',
      'secret',
      'canary',
      '-n',
      s.ns('database'),
      '--type',
      'merge',
      '-p',
      JSON.stringify({ data: { password: b64(s.canary.values[2]!) } }),
    ]);
    const diff = await s.cli(['app', 'diff', 'database', '--env', s.env]);
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toContain(`-  password: ${SECRET_MASK}++++`);
    expect(diff.stdout).toContain(`+  password: ${SECRET_MASK}\n`);
    expect(diff.stdout).not.toMatch(/^[-+]\s+token:/m);
    for (const args of [
      ['app', 'diff', 'database', '--env', s.env, '-o', 'json'],
      ['app', 'get', 'database', '--env', s.env, '-o', 'json'],
      ['app', 'history', 'database', '--env', s.env, '-o', 'yaml'],
      ['app', 'list', '-o', 'json'],
      ['app', 'sync', 'database', '--env', s.env, '--dry-run', '--async', '-o', 'json'],
    ])
      expect((await s.cli(args)).code).toBeLessThan(2);
    for (const path of ['', '/history', '/diff']) {
      const res = await fetch(`${s.serve.apiUrl}/api/apps/database${path}?env=${s.env}`, {
        headers: { authorization: `Bearer ${s.serve.token}` },
      });
      s.canary.collect(`GET /api/apps/database${path}`, await res.text());
    }
    const sync = await s.cli(['app', 'sync', 'database', '--env', s.env, '-o', 'json']);
    expect(sync.code, sync.stderr).toBe(0);
    expect((await s.cli(['app', 'diff', 'database', '--env', s.env])).code).toBe(0);
  });

  it('never show in the one-shot render, diff and sync; render --show-secrets shows them when asked', async () => {
    const kube = ['--kubeconfig', s.kubeconfig, '--context', s.context];
    const render = await oneShot(['render', 'database', '--repo', s.repo.dir, '--env', s.env]);
    expect(render.code, render.out).toBe(0);
    expect(render.out).toContain(`password: ${SECRET_MASK}`);
    expect(render.out).not.toContain('stringData');
    const shown = await runSyncwave(
      [
        'render',
        'database',
        '--repo',
        s.repo.dir,
        '--env',
        s.env,
        '--show-secrets',
        '--data-dir',
        `${s.work}/oneshot`,
      ],
      { env: { NO_COLOR: '1' } },
    );
    expect(shown.stdout).toContain(s.canary.values[0]);
    await s.kubectl([
      'patch',
      'secret',
      'canary',
      '-n',
      s.ns('database'),
      '--type',
      'merge',
      '-p',
      JSON.stringify({ data: { token: b64(s.canary.values[2]!) } }),
    ]);
    const diff = await oneShot(['diff', '--repo', s.repo.dir, '--env', s.env, '--app', 'database', ...kube]);
    expect(diff.code, diff.out).toBe(1);
    expect(diff.out).toContain(`-  token: ${SECRET_MASK}++++\n`);
    expect(diff.out).toContain(`+  token: ${SECRET_MASK}\n`);
    const json = await oneShot([
      'diff',
      '--repo',
      s.repo.dir,
      '--env',
      s.env,
      '--app',
      'database',
      '-o',
      'json',
      ...kube,
    ]);
    expect(json.code).toBe(1);
  });

  it('nor does the git token given in --repo: jobs and answers name the bare URL', async () => {
    const jobs = (await s.history('database')).map((h) => h.deliveryId);
    expect(jobs.length).toBeGreaterThan(0);
    const log = await (await import('node:fs/promises')).readFile(s.logFile, 'utf8');
    expect(log).toContain(`"repo":"${s.remote}"`);
    expect(log).toContain('--repo held credentials: they were taken out of the URL');
  });

  it('appear in no line collected from the CLI, the API and serve log', async () => {
    const leaks = await s.leaks();
    expect(s.canary.lines).toBeGreaterThan(100);
    expect(leaks).toEqual([]);
  });
});
