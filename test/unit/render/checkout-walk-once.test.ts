import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolRunner } from '../../../engine/ports.ts';
import { renderApp } from '../../../engine/render/render-app.ts';
import { makeApp } from './make-app.ts';

const noTools: ToolRunner = {
  run: () => Promise.reject(new Error('a directory source must not run a tool')),
};
const deps = { tools: noTools, cacheDir: '/nonexistent' };

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

/** A checkout with apps a0..a(n-1), one ConfigMap each. */
async function repo(n: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sw-walk-once-'));
  dirs.push(dir);
  for (let i = 0; i < n; i++) {
    await mkdir(join(dir, 'apps', `a${i}`), { recursive: true });
    await writeFile(
      join(dir, 'apps', `a${i}`, 'cm.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a${i}\n`,
    );
  }
  return dir;
}

// The checkout-wide walk for links that leave it is done once per checkout (issue 13: once per
// app made a job's render quadratic in its app count); a link must still fail every app.
describe('renderApp: the checkout is walked for outbound links once per checkout', () => {
  it('fails every app of a checkout holding a link out of it, the link named, from one walk', async () => {
    const dir = await repo(3);
    await symlink('/etc', join(dir, 'apps', 'a2', 'escape'));
    const checkout = { dir, revision: 'abc123' };

    const results = await Promise.all(
      [0, 1, 2].map((i) => renderApp(makeApp(`a${i}`, `apps/a${i}`), checkout, deps)),
    );

    for (const res of results) {
      expect(res.ok).toBe(false);
      if (res.ok) continue;
      expect(res.error.message).toContain('apps/a2/escape');
    }
  });

  it('walks a new checkout of the same directory anew: a link added or removed since counts', async () => {
    const dir = await repo(2);
    const first = { dir, revision: 'abc123' };
    expect((await renderApp(makeApp('a0', 'apps/a0'), first, deps)).ok).toBe(true);

    await symlink('/etc', join(dir, 'apps', 'a1', 'escape'));
    // The same checkout object keeps what its walk found (its files are written once)...
    expect((await renderApp(makeApp('a1', 'apps/a1'), first, deps)).ok).toBe(true);
    // ...and the next job's checkout is walked again.
    const second = await renderApp(makeApp('a0', 'apps/a0'), { dir, revision: 'abc123' }, deps);
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.message).toContain('apps/a1/escape');

    await rm(join(dir, 'apps', 'a1', 'escape'));
    expect((await renderApp(makeApp('a1', 'apps/a1'), { dir, revision: 'abc123' }, deps)).ok).toBe(true);
  });
});
