// The operator's chart credentials (SYNCWAVE_CHART_CREDENTIALS): reading the file, which URLs
// each entry covers, and a real chart repository on loopback that requires basic auth.
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChartCredential,
  chartCredentialsFromEnv,
  credentialFor,
  credentialSecrets,
  readChartCredentials,
} from '../../../adapters/tools/chart-credentials.ts';
import { ensureTools } from '../../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../../adapters/tools/process-tool-runner.ts';
import type { RemoteChart } from '../../../engine/app-spec.ts';
import { createScrubber } from '../../../engine/index.ts';
import { renderApp } from '../../../engine/render/render-app.ts';
import { type ChartRepo, startChartRepo } from '../../../harness/chart-repo.ts';
import { makeApp } from './make-app.ts';
import { realTools } from './real-tools.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/render/', import.meta.url));
const password = `pw-${Math.random().toString(36).slice(2)}`;

let scratch: string;
let repo: ChartRepo;
let other: Server;
let otherHeaders: IncomingHttpHeaders[];

beforeAll(async () => {
  const plain = await realTools();
  scratch = plain.scratch;
  otherHeaders = [];
  // another host (127.0.0.3) the repository redirects one path to: it must never get the credentials
  other = createServer((req, res) => {
    otherHeaders.push(req.headers);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.3', resolve));
  const otherUrl = `http://127.0.0.3:${(other.address() as AddressInfo).port}`;
  repo = await startChartRepo({
    charts: [join(fixtures, 'chart-repo/redis')],
    tools: plain.tools,
    basicAuth: { username: 'reader', password },
    redirects: { '/elsewhere/index.yaml': `${otherUrl}/index.yaml` },
  });
});
afterAll(async () => {
  await repo?.close();
  other?.closeAllConnections();
  await new Promise<void>((resolve) => other?.close(() => resolve()));
  await rm(scratch, { recursive: true, force: true });
});

async function render(creds: ChartCredential[], repoURL = repo.url) {
  const tools = new ProcessToolRunner({
    tools: await ensureTools(),
    homeDir: join(scratch, `home-${Math.random()}`),
    network: { allow: ['127.0.0.0/8'] },
    chartCredentials: creds,
  });
  const chart: RemoteChart = { name: 'redis', repoURL, version: '18.1.0' };
  const app = makeApp('cache', 'argocd/cache.yaml', {
    helm: { releaseName: 'cache', chart, valueFiles: [], values: {}, parameters: [], skipCrds: false },
  });
  return renderApp(
    app,
    { dir: scratch, revision: 'r1' },
    { tools, cacheDir: join(scratch, `cache-${Math.random()}`) },
  );
}

describe('a chart repository that requires basic auth', () => {
  it('without credentials fails with HTTP 401, saying the operator has none that work', async () => {
    const res = await render([]);
    expect(!res.ok && res.error.reason).toBe('chart-fetch-failed');
    expect(!res.ok && res.error.message).toContain(`${repo.url}/index.yaml: HTTP 401`);
    expect(!res.ok && res.error.message).toContain('no working chart credentials');
  });

  it("with the operator's credentials for its URL, index and archive are fetched and the chart renders", async () => {
    const res = await render([
      { url: 'http://127.0.0.1:1/unrelated', username: 'x', password: 'wrong-one' },
      { url: repo.url, username: 'reader', password },
    ]);
    expect(res.ok, !res.ok ? res.error.message : '').toBe(true);
  });

  it('a wrong password fails, and the message holds no credential', async () => {
    const res = await render([{ url: repo.url, username: 'reader', password: 'not-the-password' }]);
    expect(!res.ok && res.error.message).toContain('HTTP 401');
    expect(!res.ok && res.error.message).not.toContain('not-the-password');
  });

  it('a redirect to another host does not carry the credentials there', async () => {
    const res = await render([{ url: repo.url, username: 'reader', password }], `${repo.url}/elsewhere`);
    expect(!res.ok && res.error.message).toMatch(/127\.0\.0\.3:\d+\/index\.yaml: HTTP 404/);
    expect(otherHeaders).toHaveLength(1);
    expect(otherHeaders[0]?.authorization).toBeUndefined();
  });
});

describe('which URLs a credential covers', () => {
  const creds: ChartCredential[] = [
    { url: 'https://charts.example.com/team', username: 'team', password: 'p1' },
    { url: 'https://charts.example.com', token: 't-all' },
    { url: 'oci://registry.example.com:5000/charts', username: 'r', password: 'p2' },
    { url: 'ghcr.io', token: 't-ghcr' },
  ];
  it.each([
    ['https://charts.example.com/team/index.yaml', 'team'],
    ['https://charts.example.com/teamwork/index.yaml', 't-all'],
    ['https://charts.example.com/index.yaml', 't-all'],
    ['http://charts.example.com/index.yaml', undefined],
    ['https://charts.example.com.evil.test/index.yaml', undefined],
    ['https://registry.example.com:5000/v2/charts/redis/manifests/1.0.0', 'r'],
    ['https://registry.example.com/v2/charts/redis/manifests/1.0.0', undefined],
    ['https://ghcr.io/v2/acme/redis/blobs/sha256:00', 't-ghcr'],
  ])('%s -> %s', (url, who) => {
    const cred = credentialFor(creds, new URL(url));
    expect(cred?.username ?? cred?.token).toBe(who);
  });
});

describe('SYNCWAVE_CHART_CREDENTIALS', () => {
  const file = () => join(scratch, 'creds', 'charts.yaml');
  beforeAll(async () => {
    await mkdir(join(scratch, 'creds'), { recursive: true });
  });

  it('reads a YAML (or JSON) list, and its values are scrubbed plain and as basic auth', async () => {
    await writeFile(
      file(),
      `- { url: "https://charts.example.com", username: reader, password: "${password}" }\n- { url: ghcr.io, token: tok-123456 }\n`,
      { mode: 0o600 },
    );
    const creds = chartCredentialsFromEnv({ SYNCWAVE_CHART_CREDENTIALS: file() });
    expect(creds).toEqual([
      { url: 'https://charts.example.com', username: 'reader', password },
      { url: 'ghcr.io', token: 'tok-123456' },
    ]);
    const scrub = createScrubber(() => credentialSecrets(creds));
    const basic = Buffer.from(`reader:${password}`).toString('base64');
    expect(scrub(`a ${password} b tok-123456 c Basic ${basic}`)).not.toMatch(
      new RegExp(`${password}|tok-123456|${basic.slice(0, 12)}`),
    );
  });

  it.each([
    ['- { url: x, username: u }\n', /entry 0: username and password go together/],
    ['- { url: x, token: t, password: p }\n', /entry 0: give either token, or username and password/],
    ['- { url: x, passwd: secret-value }\n', /entry 0: Unrecognized key/],
    ['{ url: x }\n', /the file: .*expected a list/],
  ])('refuses %j naming the entry, never a value', async (text, message) => {
    await writeFile(file(), text, { mode: 0o600 });
    await chmod(file(), 0o600);
    expect(() => readChartCredentials(file())).toThrow(message);
    expect(() => readChartCredentials(file())).not.toThrow(/secret-value/);
  });

  it('refuses a file that others may read, and a missing file, naming the variable', async () => {
    await writeFile(file(), '[]\n');
    await chmod(file(), 0o644);
    expect(() => readChartCredentials(file())).toThrow(
      `SYNCWAVE_CHART_CREDENTIALS=${file()}: the file is readable by others; chmod 600 it`,
    );
    expect(() => readChartCredentials(join(scratch, 'nope.yaml'))).toThrow(/cannot read the file \(ENOENT\)/);
    expect(chartCredentialsFromEnv({})).toEqual([]);
  });
});
