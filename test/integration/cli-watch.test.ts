// `syncwave app list --watch`, like `kubectl get applications -w`: the list, then one line
// per change of sync status or health, as a push is deployed.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNCWAVE_BIN } from '../../scripts/demo/serve-process.ts';
import { type ServeEnv, serveEnv } from '../support/serve-env.ts';

let s: ServeEnv;

beforeAll(async () => {
  s = await serveEnv('watch');
  const first = await s.push();
  await s.waitSynced(['database', 'backend', 'frontend'], first.sha);
});

afterAll(async () => {
  await s?.stop();
});

it('prints a line per change of sync status or health while a push deploys', async () => {
  const watch = spawn(
    process.execPath,
    [SYNCWAVE_BIN, 'app', 'list', '--watch', '--interval', '200ms', '--env', s.env],
    {
      env: { ...process.env, SYNCWAVE_SERVER: s.serve.apiUrl, SYNCWAVE_TOKEN: s.serve.token, NO_COLOR: '1' },
    },
  );
  let out = '';
  let err = '';
  watch.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  watch.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  /** Polls until `check` holds (the CLI's start-up time varies with the machine's load). */
  const until = async (check: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; stdout ${out}; stderr ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await until(() => /frontend\s+\S+\s+2\s+Synced\s+Healthy/.test(out), 'the list');
    const listed = out;
    const file = join(s.repo.dir, 'apps/frontend/values.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('tag: "2.0.0"', 'tag: "2.0.1"'));
    const pushed = await s.push('frontend 2.0.1');
    await s.waitSynced(['frontend'], pushed.sha);
    await until(
      () =>
        new RegExp(
          `frontend.*Synced.*${pushed.sha.slice(0, 7)}|frontend.*${pushed.sha.slice(0, 7)}.*Synced`,
        ).test(out.slice(listed.length)),
      'a Synced line at the pushed revision',
    );
    const changes = out.slice(listed.length).trim().split('\n').filter(Boolean);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((line) => /frontend/.test(line))).toBe(true);
    expect(changes.at(-1)).toMatch(/Synced/);
    expect(changes.join('\n')).toContain(pushed.sha.slice(0, 7));
  } finally {
    watch.kill('SIGTERM');
  }
});
