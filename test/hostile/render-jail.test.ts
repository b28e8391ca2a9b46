// The hostile corpus (test/hostile/cases.ts) through the real path a worker takes before it
// applies anything: a real git repository per case, checked out by LocalGitSource, syncwave.yaml
// loaded, every app rendered with the real helm and kubectl under the default render network
// policy. Every case must fail naming its file, and the canary secret the test process holds
// (in its environment and in files outside the checkout) must appear in no output or error.
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalGitSource } from '../../adapters/git/local-git-source.ts';
import { loadRepoConfig } from '../../engine/config/load-repo-config.ts';
import type { ToolRunner } from '../../engine/ports.ts';
import { renderApp } from '../../engine/render/render-app.ts';
import { realTools } from '../unit/render/real-tools.ts';
import { HOSTILE_CASES, type HostileCase, HUGE_MANIFEST_BYTES } from './cases.ts';
import { type HostileWorld, hostileRepo, hostileWorld } from './support/hostile-repo.ts';

let tmp: string;
let world: HostileWorld;
let deps: { tools: ToolRunner; cacheDir: string };
const ENV = { name: 'dev', prefix: 'dev-' };

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'syncwave-hostile-'));
  world = await hostileWorld(tmp);
  const { scratch: _s, ...rest } = await realTools();
  deps = rest;
});
afterAll(async () => {
  await world?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** Everything a worker would say about the case: config errors, or each app's render outcome. */
async function attempt(dir: string) {
  const source = await LocalGitSource.open({ path: dir, cacheDir: join(tmp, 'cache') });
  const checkout = await source.checkout(await source.resolve('develop'));
  const loaded = await loadRepoConfig(checkout.dir);
  if (!loaded.ok) return { stage: 'config' as const, errors: loaded.errors, results: [] };
  const results = [];
  for (const app of loaded.config.apps(ENV.name)) results.push(await renderApp(app, checkout, deps));
  return { stage: 'render' as const, errors: [], results };
}

describe('hostile repositories', () => {
  it.each(HOSTILE_CASES.map((c) => [c.name, c] as const))('%s: fails naming the file', async (_name, c) => {
    const repo = await hostileRepo(join(tmp, `repo-${HOSTILE_CASES.indexOf(c)}`), c, world, ENV);

    const outcome = await attempt(repo.dir);

    expect(outcome.stage).toBe(c.stage);
    if (c.stage === 'config') {
      expect(outcome.errors.join('\n')).toContain(`${c.names}:`);
    } else {
      expect(outcome.results).toHaveLength(1);
      const [result] = outcome.results;
      if (!result || result.ok) throw new Error(`${c.name}: rendered ${JSON.stringify(result)}`);
      expect(result.error.file).toBe(c.names);
      expect(result.error.message).toContain(`: ${c.names}: `);
      if (c.reason) expect(result.error.reason).toBe(c.reason);
    }
    expect(JSON.stringify(outcome)).not.toContain(world.canary);
    expect(world.internalRequests).toEqual([]);
  });

  it('a 100 MB manifest fails at once naming the file and the limit, without reading it', async () => {
    const c: HostileCase = {
      name: 'huge manifest',
      apps: '  - { name: huge, path: apps/huge }',
      files: { 'apps/huge/small.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: small }\n' },
      names: 'apps/huge/huge.yaml',
      stage: 'render',
    };
    const repo = await hostileRepo(join(tmp, 'repo-huge'), c, world, ENV);
    const { DirectorySource } = await import('../../adapters/local/directory-source.ts');
    await truncate(join(repo.dir, 'apps/huge/small.yaml'), 0);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(repo.dir, 'apps/huge/huge.yaml'), '');
    await truncate(join(repo.dir, 'apps/huge/huge.yaml'), HUGE_MANIFEST_BYTES);
    const source = new DirectorySource(repo.dir);
    const checkout = await source.checkout();
    const loaded = await loadRepoConfig(checkout.dir);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const [app] = loaded.config.apps(ENV.name);
    if (!app) throw new Error('no app');

    const res = await renderApp(app, checkout, deps);

    expect(!res.ok && res.error).toMatchObject({ reason: 'limit-exceeded', file: 'apps/huge/huge.yaml' });
    expect(!res.ok && res.error.message).toContain(
      'apps/huge/huge.yaml: limit exceeded: the file is 100 MiB, more than the 8 MiB limit of one repository file',
    );
  });
});
