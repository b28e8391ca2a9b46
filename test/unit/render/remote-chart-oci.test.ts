// Charts from an OCI registry (the CNCF distribution registry on loopback, harness/oci-registry.ts;
// charts pushed with the real `helm push`): an Application's repoURL with and without oci://,
// exact versions and ranges, the cache, a tampered blob, and a registry with token auth behind
// the operator's credentials (SYNCWAVE_CHART_CREDENTIALS entries).
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools } from '../../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../../adapters/tools/process-tool-runner.ts';
import type { RemoteChart } from '../../../engine/app-spec.ts';
import type { ToolRunner } from '../../../engine/ports.ts';
import { renderApp } from '../../../engine/render/render-app.ts';
import { type OciRegistry, startOciRegistry } from '../../../harness/oci-registry.ts';
import { makeApp } from './make-app.ts';
import { realTools } from './real-tools.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/render/', import.meta.url));

let deps: { tools: ToolRunner; cacheDir: string };
let scratch: string;
let registry: OciRegistry;

async function versioned(version: string): Promise<string> {
  const dir = join(scratch, 'charts', version);
  await mkdir(dir, { recursive: true });
  await cp(join(fixtures, 'chart-repo/redis'), dir, { recursive: true });
  const chartYaml = join(dir, 'Chart.yaml');
  await writeFile(
    chartYaml,
    (await readFile(chartYaml, 'utf8')).replace(/^version: .*$/m, `version: ${version}`),
  );
  await writeFile(
    join(dir, 'templates/chart-version.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: "{{ .Release.Name }}-chart" }\ndata: { version: "{{ .Chart.Version }}" }\n',
  );
  return dir;
}

beforeAll(async () => {
  // The registry listens on loopback, which renders may reach only when the operator allows it.
  ({ scratch, ...deps } = await realTools({ network: { allow: ['127.0.0.1/32'] } }));
  registry = await startOciRegistry({ tools: deps.tools });
  for (const v of ['18.1.0', '18.2.0', '19.0.0-rc.1+build.5'])
    await registry.push(await versioned(v), 'charts');
}, 600_000);
afterAll(async () => {
  await registry?.stop();
  await rm(scratch, { recursive: true, force: true });
});

function app(repoURL: string, version: string) {
  const chart: RemoteChart = { name: 'redis', repoURL, version };
  return makeApp('cache', 'argocd/cache.yaml', {
    helm: { releaseName: 'cache', chart, valueFiles: [], values: {}, parameters: [], skipCrds: false },
  });
}

const checkout = () => ({ dir: scratch, revision: 'r1' });
const blobGets = () => registry.requests().filter((r) => r.startsWith('GET ') && r.includes('/blobs/'));

describe('charts from an OCI registry', () => {
  it('oci://host/path renders the pushed chart, then from the cache without a request', async () => {
    const first = await renderApp(app(`oci://${registry.host}/charts`, '18.1.0'), checkout(), deps);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toContain(
      'Service/cache-redis-headless',
    );
    const seen = registry.requests().length;
    const second = await renderApp(app(`oci://${registry.host}/charts`, '18.1.0'), checkout(), deps);
    expect(second.ok && second.objects).toEqual(first.objects);
    expect(registry.requests()).toHaveLength(seen);
  });

  it("Argo CD's repoURL without a scheme and a range: the highest release tag that fits", async () => {
    const before = blobGets().length;
    const res = await renderApp(app(`${registry.host}/charts`, '18.x'), checkout(), deps);
    if (!res.ok) throw new Error(res.error.message);
    expect(res.objects.find((o) => o.metadata.name === 'cache-chart')?.data).toEqual({ version: '18.2.0' });
    expect(blobGets().length).toBe(before + 1);
    expect(registry.requests()).toContain('GET /v2/charts/redis/tags/list');
  });

  it('a version with build metadata is the tag helm push wrote with _ for +', async () => {
    const res = await renderApp(
      app(`oci://${registry.host}/charts`, '19.0.0-rc.1+build.5'),
      checkout(),
      deps,
    );
    if (!res.ok) throw new Error(res.error.message);
    expect(registry.requests()).toContain('GET /v2/charts/redis/manifests/19.0.0-rc.1_build.5');
  });

  it('a missing chart or version fails naming the registry and what was asked', async () => {
    const res = await renderApp(app(`oci://${registry.host}/charts`, '^20'), checkout(), deps);
    expect(!res.ok && res.error.reason).toBe('chart-fetch-failed');
    expect(!res.ok && res.error.message).toContain(
      `no tag of oci://${registry.host}/charts/redis matches "^20"`,
    );
    const gone = await renderApp(app(`oci://${registry.host}/nowhere`, '1.0.0'), checkout(), deps);
    expect(!gone.ok && gone.error.message).toMatch(/\/v2\/nowhere\/redis\/manifests\/1\.0\.0: HTTP 404/);
  });

  it('a blob whose content is not its digest is refused (the registry storage tampered with)', async () => {
    await registry.push(await versioned('18.3.0'), 'tampered');
    // Overwrite the stored blob of the chart layer with other bytes.
    const root = join(registry.dataDir, 'docker/registry/v2/blobs/sha256');
    const layer = await registry.layerDigest('tampered/redis', '18.3.0');
    const victim = join(root, layer.slice(0, 2), layer, 'data');
    await writeFile(victim, Buffer.from('not the chart'));
    expect(
      createHash('sha256')
        .update(await readFile(victim))
        .digest('hex'),
    ).not.toBe(layer);
    const res = await renderApp(app(`oci://${registry.host}/tampered`, '18.3.0'), checkout(), deps);
    expect(!res.ok && res.error.reason).toBe('chart-fetch-failed');
    expect(!res.ok && res.error.message).toContain(`the archive's sha256 is`);
    expect(!res.ok && res.error.message).toContain(`not the ${layer} its manifest names`);
  });
});

describe('an OCI registry with token auth', () => {
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  let secured: OciRegistry;
  beforeAll(async () => {
    secured = await startOciRegistry({ tools: deps.tools, auth: { username: 'robot', password } });
    await secured.push(await versioned('18.1.0'), 'private');
  }, 600_000);
  afterAll(async () => {
    await secured?.stop();
  });

  async function renderWith(creds: Array<{ url: string; username: string; password: string }>) {
    const tools = new ProcessToolRunner({
      tools: await ensureTools(),
      homeDir: join(scratch, `home-${Math.random()}`),
      network: { allow: ['127.0.0.1/32'] },
      chartCredentials: creds,
    });
    return renderApp(app(`oci://${secured.host}/private`, '18.x'), checkout(), {
      tools,
      cacheDir: join(scratch, `cache-${Math.random()}`),
    });
  }

  it('without credentials the token is refused, and the message says the operator has none that work', async () => {
    const res = await renderWith([]);
    expect(!res.ok && res.error.reason).toBe('chart-fetch-failed');
    expect(!res.ok && res.error.message).toMatch(
      /\/token: HTTP 401 for a registry token \(the operator has no working chart credentials/,
    );
  });

  it("with the operator's credentials for the registry host: token from the realm, tags, manifest and blob with it", async () => {
    const before = secured.tokenRequests.length;
    const res = await renderWith([{ url: `oci://${secured.host}`, username: 'robot', password }]);
    if (!res.ok) throw new Error(res.error.message);
    expect(res.objects.find((o) => o.metadata.name === 'cache-chart')?.data).toEqual({ version: '18.1.0' });
    const asked = secured.tokenRequests.slice(before);
    expect(asked.length).toBeGreaterThanOrEqual(1);
    expect(
      asked.every((h) => h.authorization === `Basic ${Buffer.from(`robot:${password}`).toString('base64')}`),
    ).toBe(true);
  });

  it('a wrong password fails without showing it', async () => {
    const res = await renderWith([
      { url: `oci://${secured.host}`, username: 'robot', password: 'wrong-password' },
    ]);
    expect(!res.ok && res.error.message).toContain('HTTP 401');
    expect(!res.ok && res.error.message).not.toContain('wrong-password');
  });
});
