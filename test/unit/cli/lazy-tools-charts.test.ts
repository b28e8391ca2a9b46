// The CLI's and serve's tool runner (lazyTools) as the operator configures it by environment:
// SYNCWAVE_RENDER_ALLOW lets a loopback chart repository through, and SYNCWAVE_CHART_CREDENTIALS
// names the file whose credentials open a repository that requires basic auth.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazyTools } from '../../../cli/local/create-engine-deps.ts';
import { renderApp } from '../../../engine/render/render-app.ts';
import { type ChartRepo, startChartRepo } from '../../../harness/chart-repo.ts';
import { makeApp } from '../render/make-app.ts';
import { realTools } from '../render/real-tools.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/render/', import.meta.url));
const password = `pw-${Math.random().toString(36).slice(2)}`;
const saved = { allow: process.env.SYNCWAVE_RENDER_ALLOW, creds: process.env.SYNCWAVE_CHART_CREDENTIALS };

let scratch: string;
let repo: ChartRepo;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'syncwave-lazy-tools-'));
  const plain = await realTools();
  repo = await startChartRepo({
    charts: [join(fixtures, 'chart-repo/redis')],
    tools: plain.tools,
    basicAuth: { username: 'reader', password },
  });
});
afterAll(async () => {
  await repo?.close();
  await rm(scratch, { recursive: true, force: true });
  for (const [name, value] of [
    ['SYNCWAVE_RENDER_ALLOW', saved.allow],
    ['SYNCWAVE_CHART_CREDENTIALS', saved.creds],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function render(tools: ReturnType<typeof lazyTools>) {
  const app = makeApp('cache', 'argocd/cache.yaml', {
    helm: {
      releaseName: 'cache',
      chart: { name: 'redis', repoURL: repo.url, version: '18.1.0' },
      valueFiles: [],
      values: {},
      parameters: [],
      skipCrds: false,
    },
  });
  return renderApp(
    app,
    { dir: scratch, revision: 'r1' },
    { tools, cacheDir: join(scratch, `cache-${Math.random()}`) },
  );
}

describe('lazyTools with the operator settings from the environment', () => {
  it('refuses the loopback repository unless SYNCWAVE_RENDER_ALLOW allows it', async () => {
    delete process.env.SYNCWAVE_RENDER_ALLOW;
    delete process.env.SYNCWAVE_CHART_CREDENTIALS;
    const res = await render(lazyTools(join(scratch, 'home-a')));
    expect(!res.ok && res.error.reason).toBe('network-refused');
  });

  it('with SYNCWAVE_CHART_CREDENTIALS the basic-auth repository serves the chart', async () => {
    process.env.SYNCWAVE_RENDER_ALLOW = '127.0.0.1/32';
    const file = join(scratch, 'charts.json');
    await writeFile(file, JSON.stringify([{ url: repo.url, username: 'reader', password }]), { mode: 0o600 });
    delete process.env.SYNCWAVE_CHART_CREDENTIALS;
    const without = await render(lazyTools(join(scratch, 'home-b')));
    expect(!without.ok && without.error.message).toContain('HTTP 401');
    process.env.SYNCWAVE_CHART_CREDENTIALS = file;
    const res = await render(lazyTools(join(scratch, 'home-c')));
    expect(res.ok, !res.ok ? res.error.message : '').toBe(true);
  });
});
