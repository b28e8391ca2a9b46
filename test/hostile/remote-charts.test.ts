// Hostile chart repositories, against syncwave's own chart download (real helm packages and
// renders): a repository the operator allows (127.0.0.2 on loopback) that redirects to loopback
// or to the instance-metadata address, loops, serves an archive past the size limit, or serves
// an archive other than the one its index.yaml names; the same charts named by a Kustomization's
// helmCharts, which syncwave downloads for kustomize so that helm never fetches. Each fails the
// render naming the URL, and the internal service on 127.0.0.1 is never reached.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../adapters/tools/process-tool-runner.ts';
import type { RemoteChart } from '../../engine/app-spec.ts';
import { renderApp } from '../../engine/render/render-app.ts';
import { type ChartRepo, startChartRepo } from '../../harness/chart-repo.ts';
import { makeApp } from '../unit/render/make-app.ts';

let tmp: string;
let internal: Server;
let internalUrl: string;
const internalRequests: string[] = [];
let repo: ChartRepo;
let tools: ProcessToolRunner;

async function chartDir(name: string, extra: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = join(tmp, 'charts', name);
  await mkdir(join(dir, 'templates'), { recursive: true });
  await writeFile(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
  await writeFile(join(dir, 'values.yaml'), '{}\n');
  await writeFile(
    join(dir, 'templates', 'cm.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { chart: ${name} }\n`,
  );
  for (const [file, body] of Object.entries(extra)) await writeFile(join(dir, file), body);
  return dir;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'syncwave-hostile-charts-'));
  internal = createServer((req, res) => {
    internalRequests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/gzip' }).end('secret');
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
  // Only the chart repository's own address is allowed: 127.0.0.1 stays refused.
  tools = new ProcessToolRunner({
    tools: await ensureTools(),
    homeDir: join(tmp, 'home'),
    network: { allow: ['127.0.0.2/32'] },
  });
  const charts = [
    await chartDir('fine'),
    await chartDir('moved'),
    await chartDir('loopback'),
    await chartDir('metadata'),
    await chartDir('looping'),
    // random bytes do not compress: the archive stays past the 64 KiB limit set below
    await chartDir('big', { 'blob.bin': randomBytes(256 * 1024) }),
    await chartDir('tampered'),
  ];
  repo = await startChartRepo({
    charts,
    tools,
    host: '127.0.0.2',
    redirects: {
      '/moved-0.1.0.tgz': '/moved-0.1.0.tgz?hop=1',
      '/loopback-0.1.0.tgz': `${internalUrl}/loopback-0.1.0.tgz`,
      '/metadata-0.1.0.tgz': 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      '/looping-0.1.0.tgz': '/looping-0.1.0.tgz',
      '/moved-cm.yaml': '/cm.yaml',
      '/evil-cm.yaml': `${internalUrl}/cm.yaml`,
    },
  });
  // index.yaml recorded the digest of the real archive; serve another one under its name.
  await repo.replace('tampered-0.1.0.tgz', await packaged('fine'));
  await repo.replace(
    'cm.yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: remote }\ndata: { from: remote }\n',
  );
});
afterAll(async () => {
  await repo?.close();
  internal?.closeAllConnections();
  await new Promise<void>((resolve) => internal?.close(() => resolve()));
  await tools?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** The archive the repository serves for a chart (fetched the way a client would). */
async function packaged(name: string): Promise<Buffer> {
  const res = await fetch(`${repo.url}/${name}-0.1.0.tgz`);
  return Buffer.from(await res.arrayBuffer());
}

function render(chart: string, limits = {}) {
  const remote: RemoteChart = { name: chart, repoURL: repo.url, version: '0.1.0' };
  const app = makeApp(chart, `chart ${chart}`, {
    helm: { releaseName: chart, chart: remote, valueFiles: [], values: {}, parameters: [], skipCrds: false },
  });
  return renderApp(
    app,
    { dir: join(tmp, 'checkout'), revision: 'r1' },
    { tools, cacheDir: join(tmp, 'cache'), limits },
  );
}

describe('hostile chart repositories', () => {
  beforeAll(async () => {
    await mkdir(join(tmp, 'checkout'), { recursive: true });
  });

  it('a chart from the allowed repository renders, through a redirect inside it too', async () => {
    const fine = await render('fine');
    expect(fine.ok, !fine.ok ? fine.error.message : '').toBe(true);
    const moved = await render('moved');
    expect(moved.ok, !moved.ok ? moved.error.message : '').toBe(true);
    expect(moved.ok && moved.objects.map((o) => o.metadata.name)).toEqual(['moved']);
  });

  it.each([
    [
      'loopback',
      () => `${internalUrl}/loopback-0.1.0.tgz`,
      /127\.0\.0\.1 is a loopback, private or link-local/,
    ],
    [
      'metadata',
      () => 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      /169\.254\.169\.254 is a loopback, private or link-local/,
    ],
  ])(
    'a redirect of the archive to %s is refused, naming the URL, before connecting',
    async (chart, target, why) => {
      const before = internalRequests.length;
      const res = await render(chart);
      expect(!res.ok && res.error.reason).toBe('network-refused');
      expect(!res.ok && res.error.message).toContain(target());
      expect(!res.ok && res.error.message).toMatch(why);
      expect(internalRequests).toHaveLength(before);
    },
  );

  it('a redirect loop stops after a few hops', async () => {
    const res = await render('looping');
    expect(!res.ok && res.error).toMatchObject({ reason: 'chart-fetch-failed' });
    expect(!res.ok && res.error.message).toMatch(/looping-0\.1\.0\.tgz: more than 5 redirects/);
  });

  it('an archive past the chart size limit is refused, naming it and the limit', async () => {
    const res = await render('big', { maxChartBytes: 64 * 1024 });
    expect(!res.ok && res.error.reason).toBe('limit-exceeded');
    expect(!res.ok && res.error.message).toContain(`${repo.url}/big-0.1.0.tgz`);
    expect(!res.ok && res.error.message).toContain('larger than the limit of 65536 bytes');
  });

  it('an archive whose sha256 is not the digest of index.yaml is refused and not cached', async () => {
    const res = await render('tampered');
    expect(!res.ok && res.error.reason).toBe('chart-fetch-failed');
    expect(!res.ok && res.error.message).toMatch(
      /chart tampered from http:\/\/127\.0\.0\.2:\d+: chart fetch failed: tampered 0\.1\.0: the archive's sha256 is [0-9a-f]{64}, not the [0-9a-f]{64} its index.yaml names/,
    );
    const again = await render('tampered');
    expect(again.ok).toBe(false);
    expect(repo.requests.filter((r) => r === '/tampered-0.1.0.tgz')).toHaveLength(2);
  });

  it('the default policy refuses the repository itself, before any request', async () => {
    const strict = new ProcessToolRunner({ tools: await ensureTools(), homeDir: join(tmp, 'home-strict') });
    const seen = repo.requests.length;
    const app = makeApp('fine', 'chart fine', {
      helm: {
        releaseName: 'fine',
        chart: { name: 'fine', repoURL: repo.url, version: '0.1.0' },
        valueFiles: [],
        values: {},
        parameters: [],
        skipCrds: false,
      },
    });
    const res = await renderApp(
      app,
      { dir: join(tmp, 'checkout'), revision: 'r1' },
      { tools: strict, cacheDir: join(tmp, 'cache-strict') },
    );
    expect(!res.ok && res.error.reason).toBe('network-refused');
    expect(!res.ok && res.error.message).toContain(`${repo.url}/index.yaml`);
    expect(repo.requests).toHaveLength(seen);
  });
});

describe("hostile chart repositories in a Kustomization's helmCharts", () => {
  async function kustomizeApp(name: string, chart: string) {
    const dir = join(tmp, `kcheckout-${name}`);
    await mkdir(join(dir, 'apps', name), { recursive: true });
    await writeFile(
      join(dir, 'apps', name, 'kustomization.yaml'),
      `helmCharts:\n  - { name: ${chart}, repo: "${repo.url}", version: 0.1.0, releaseName: ${name} }\n`,
    );
    return renderApp(
      makeApp(name, `apps/${name}`),
      { dir, revision: 'r1' },
      { tools, cacheDir: join(tmp, 'cache') },
    );
  }

  it('a chart from the allowed repository is downloaded by syncwave and inflated by kustomize; helm fetches nothing', async () => {
    const before = repo.requests.length;
    const res = await kustomizeApp('kfine', 'moved');
    expect(res.ok, !res.ok ? res.error.message : '').toBe(true);
    expect(res.ok && res.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/moved']);
    expect(repo.agents.slice(before).every((a) => a === 'syncwave')).toBe(true);
    expect(await readdir(join(tmp, 'kcheckout-kfine', 'apps', 'kfine'))).toEqual(['kustomization.yaml']);
  });

  it('a redirect of its archive to loopback is refused naming the kustomization and the URL', async () => {
    const before = internalRequests.length;
    const res = await kustomizeApp('kloop', 'loopback');
    expect(!res.ok && res.error).toMatchObject({
      reason: 'network-refused',
      file: 'apps/kloop/kustomization.yaml',
    });
    expect(!res.ok && res.error.message).toContain(`helmCharts loopback: ${internalUrl}/loopback-0.1.0.tgz`);
    expect(internalRequests).toHaveLength(before);
  });

  it('a chartHome outside the checkout is refused', async () => {
    const dir = join(tmp, 'kcheckout-home');
    await mkdir(join(dir, 'apps', 'home'), { recursive: true });
    await writeFile(
      join(dir, 'apps', 'home', 'kustomization.yaml'),
      'helmGlobals: { chartHome: /etc }\nhelmCharts:\n  - { name: ssl, releaseName: x }\n',
    );
    const res = await renderApp(
      makeApp('home', 'apps/home'),
      { dir, revision: 'r1' },
      { tools, cacheDir: join(tmp, 'cache') },
    );
    expect(!res.ok && res.error).toMatchObject({
      reason: 'path-outside-repo',
      file: 'apps/home/kustomization.yaml',
    });
  });
});

describe("a Kustomization's http(s) resources, downloaded by syncwave for kustomize", () => {
  async function withResources(name: string, resources: string[], limits = {}) {
    const dir = join(tmp, `rcheckout-${name}`);
    await mkdir(join(dir, 'apps', name), { recursive: true });
    const text = `resources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
    await writeFile(join(dir, 'apps', name, 'kustomization.yaml'), text);
    const res = await renderApp(
      makeApp(name, `apps/${name}`),
      { dir, revision: 'r1' },
      { tools, cacheDir: join(tmp, 'cache'), limits },
    );
    return { res, dir, text };
  }

  it('a resource on the allowed host (through a redirect there) renders; kustomize fetches nothing; the checkout is untouched', async () => {
    const before = repo.requests.length;
    const { res, dir, text } = await withResources('rfine', [`${repo.url}/moved-cm.yaml`]);
    expect(res.ok, !res.ok ? res.error.message : '').toBe(true);
    expect(res.ok && res.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/remote']);
    expect(repo.requests.slice(before)).toEqual(['/moved-cm.yaml', '/cm.yaml']);
    expect(repo.agents.slice(before).every((a) => a === 'syncwave')).toBe(true);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(dir, 'apps/rfine/kustomization.yaml'), 'utf8')).toBe(text);
    expect(await readdir(join(dir, 'apps/rfine'))).toEqual(['kustomization.yaml']);
  });

  it('a resource that redirects to loopback is refused naming the kustomization and the URL', async () => {
    const before = internalRequests.length;
    const { res } = await withResources('revil', [`${repo.url}/evil-cm.yaml`]);
    expect(!res.ok && res.error).toMatchObject({
      reason: 'network-refused',
      file: 'apps/revil/kustomization.yaml',
    });
    expect(!res.ok && res.error.message).toContain(
      `resource ${internalUrl}/cm.yaml: 127.0.0.1 is a loopback`,
    );
    expect(internalRequests).toHaveLength(before);
  });

  it('a resource past the repository file size limit is refused', async () => {
    const { res } = await withResources('rbig', [`${repo.url}/cm.yaml`], { maxFileBytes: 64 });
    expect(!res.ok && res.error).toMatchObject({
      reason: 'limit-exceeded',
      file: 'apps/rbig/kustomization.yaml',
    });
    expect(!res.ok && res.error.message).toContain(
      `${repo.url}/cm.yaml: the answer is larger than the limit of 64 bytes`,
    );
  });
});
