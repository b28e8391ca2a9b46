// The renderers' sandbox with the real helm: what a tool's process can see of ours (read by helm
// itself through /proc/self/environ, outside any checkout jail), where it can connect (the egress
// proxy and the render network policy), and how long and how much it may run and write.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../adapters/tools/process-tool-runner.ts';
import { renderApp } from '../../engine/render/render-app.ts';
import { makeApp } from '../unit/render/make-app.ts';

let tmp: string;
let server: Server;
let port: number;
const requests: string[] = [];
const canary = `canary-${Math.random().toString(36).slice(2)}`;
const saved = process.env.AWS_SECRET_ACCESS_KEY;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'syncwave-sandbox-'));
  process.env.AWS_SECRET_ACCESS_KEY = canary;
  process.env.SYNCWAVE_HOSTILE_CANARY = canary;
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  else process.env.AWS_SECRET_ACCESS_KEY = saved;
  delete process.env.SYNCWAVE_HOSTILE_CANARY;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(tmp, { recursive: true, force: true });
});

async function runner(network?: { allow: string[] }) {
  return new ProcessToolRunner({
    tools: await ensureTools(),
    homeDir: join(tmp, `home-${Math.random()}`),
    network,
  });
}

/** A chart directory with one template (and optional extra files). */
async function chart(name: string, template: string, extra: (dir: string) => Promise<void> = async () => {}) {
  const dir = join(tmp, 'charts', name);
  await mkdir(join(dir, 'templates'), { recursive: true });
  await writeFile(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
  await writeFile(join(dir, 'templates', 'x.yaml'), template);
  await extra(dir);
  return dir;
}

describe('the environment of helm and kubectl', () => {
  it('holds only PATH, HOME, XDG/Helm directories, TMPDIR, KUBECONFIG and the proxy: helm reading its own environ finds no secret', async () => {
    const tools = await runner();
    // Outside any checkout (no jail here): helm itself reads /proc/self/environ.
    const dir = await chart(
      'environ',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: environ }\ndata: { env: {{ .Files.Get "environ" | b64enc | quote }} }\n',
      (d) => symlink('/proc/self/environ', join(d, 'environ')),
    );

    const res = await tools.run('helm', ['template', 'x', dir]);

    expect(res.code).toBe(0);
    const b64 = /env: "([^"]*)"/.exec(res.stdout)?.[1] ?? '';
    const environ = Buffer.from(b64, 'base64').toString('utf8');
    const names = environ
      .split('\0')
      .filter(Boolean)
      .map((kv) => kv.slice(0, kv.indexOf('=')));
    expect(names.sort()).toEqual(
      [
        'HELM_CACHE_HOME',
        'HELM_CONFIG_HOME',
        'HELM_DATA_HOME',
        'HOME',
        'HTTPS_PROXY',
        'HTTP_PROXY',
        'KUBECONFIG',
        'NO_PROXY',
        'PATH',
        'TMPDIR',
        'XDG_CACHE_HOME',
        'XDG_CONFIG_HOME',
        'XDG_DATA_HOME',
        'XDG_STATE_HOME',
        'http_proxy',
        'https_proxy',
        'no_proxy',
      ].sort(),
    );
    expect(environ).toContain('NO_PROXY=\0');
    expect(environ).not.toContain(canary);
    expect(environ).not.toMatch(/\/usr\/bin|\/bin(:|\0)/); // PATH is the tools' own directories: no git
  });
});

describe('the render network policy, enforced by the egress proxy', () => {
  it('refuses a loopback destination that Go does not recognise as loopback (sent through the proxy)', async () => {
    const tools = await runner();

    // 2130706433 is 127.0.0.1 as one number: Go proxies it (its loopback exception only knows
    // the usual spellings), and the proxy resolves it and refuses.
    const res = await tools.run('helm', ['pull', `http://2130706433:${port}/redis-1.0.0.tgz`]);

    expect(res.code).not.toBe(0);
    expect(requests).toEqual([]);
    expect(tools.refusedConnections.map((r) => r.destination)).toContain(`127.0.0.1:${port}`);
  });

  it('refuses an https destination at its CONNECT', async () => {
    const tools = await runner();

    const res = await tools.run('helm', ['pull', `https://2130706433:${port}/redis-1.0.0.tgz`]);

    expect(res.code).not.toBe(0);
    expect(requests).toEqual([]);
    expect(tools.refusedConnections.map((r) => r.destination)).toContain(`2130706433:${port}`);
  });

  it('refuses the instance metadata address', async () => {
    const tools = await runner();

    const res = await tools.run('helm', ['pull', 'http://169.254.169.254/latest/meta-data/x.tgz']);

    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('403');
    expect(tools.refusedConnections[0]?.reason).toContain('169.254.169.254');
  });

  it('forwards to a destination the operator allows', async () => {
    const tools = await runner({ allow: ['127.0.0.1/32'] });

    const res = await tools.run('helm', ['pull', `http://2130706433:${port}/allowed-1.0.0.tgz`]);

    expect(res.code).not.toBe(0); // the service answers 404
    expect(requests).toContain('/allowed-1.0.0.tgz');
    expect(tools.refusedConnections).toEqual([]);
  });
});

describe('time and output limits', () => {
  const loop = '{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}\n';

  it('kills a tool past its time limit and says so', async () => {
    const tools = await runner();
    const dir = await chart('slow', loop);

    const res = await tools.run('helm', ['template', 'x', dir], { timeoutMs: 1000 });

    expect(res.stopped).toEqual({ limit: 'timeout', ms: 1000 });
  });

  it('kills a tool past its output limit and says so', async () => {
    const tools = await runner();
    const dir = await chart(
      'loud',
      '{{ range until 20000 }}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c{{ . }} }\ndata: { x: {{ "x" | repeat 100 | quote }} }\n{{ end }}',
    );

    const res = await tools.run('helm', ['template', 'x', dir], { maxOutputBytes: 1024 * 1024 });

    expect(res.stopped).toEqual({ limit: 'output', bytes: 1024 * 1024 });
    expect(res.stdout).toBe('');
  });

  it('a render past a limit is a render error naming Chart.yaml and the limit', async () => {
    const tools = await runner();
    const repo = join(tmp, 'repo');
    await mkdir(join(repo, 'apps'), { recursive: true });
    await chart('slow-app', loop, async () => {});
    const { cp } = await import('node:fs/promises');
    await cp(join(tmp, 'charts', 'slow-app'), join(repo, 'apps', 'slow'), { recursive: true });

    const res = await renderApp(
      makeApp('slow', 'apps/slow'),
      { dir: repo, revision: 'r1' },
      { tools, cacheDir: join(tmp, 'cache'), limits: { toolTimeoutMs: 1000 } },
    );

    expect(!res.ok && res.error).toMatchObject({ reason: 'limit-exceeded', file: 'apps/slow/Chart.yaml' });
    expect(!res.ok && res.error.message).toContain('helm template ran longer than the 1 s limit');
  });
});
