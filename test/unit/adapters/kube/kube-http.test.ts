import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeHttp } from '../../../../adapters/kube/kube-http.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server | undefined;
let connections = 0;

async function serve(handler: Handler): Promise<string> {
  connections = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function kubeConfig(url: string, skipTLSVerify = true): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: url, skipTLSVerify }],
    users: [{ name: 'admin', token: 'secret-token' }],
    contexts: [{ name: 'local', cluster: 'local', user: 'admin' }],
    currentContext: 'local',
  });
  return kc;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe('KubeHttp', () => {
  it('sends the bearer token, content type and JSON body, with the query', async () => {
    let seen: { url?: string; auth?: string; type?: string; body?: string } = {};
    const url = await serve((req, body, res) => {
      seen = { url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body };
      json(res, 200, { ok: true });
    });
    const http = new KubeHttp(kubeConfig(url));

    const response = await http.request({
      method: 'PATCH',
      path: '/api/v1/namespaces/a/configmaps/b',
      query: { fieldManager: 'syncwave', force: 'false', dryRun: undefined },
      body: { data: { port: 8080 } },
      contentType: 'application/apply-patch+yaml',
      object: 'ConfigMap/a/b',
      verb: 'apply',
    });

    expect(response).toMatchObject({ status: 200, body: { ok: true }, attempts: 1 });
    expect(seen).toEqual({
      url: '/api/v1/namespaces/a/configmaps/b?fieldManager=syncwave&force=false',
      auth: 'Bearer secret-token',
      type: 'application/apply-patch+yaml',
      body: '{"data":{"port":8080}}',
    });
    http.close();
  });

  it('retries 503 and 429 with backoff, then returns the answer', async () => {
    let calls = 0;
    const url = await serve((_req, _body, res) => {
      calls += 1;
      if (calls === 1) return json(res, 503, { kind: 'Status', message: 'etcd leader changed' });
      if (calls === 2)
        return json(res, 429, { kind: 'Status', message: 'slow down' }, { 'Retry-After': '0' });
      json(res, 200, { kind: 'ConfigMap' });
    });
    const http = new KubeHttp(kubeConfig(url), { retry: { baseDelayMs: 5 } });

    const response = await http.request({ method: 'GET', path: '/api/v1', object: 'v1', verb: 'get' });

    expect(response.status).toBe(200);
    expect(response.attempts).toBe(3);
    http.close();
  });

  it('asks once for an invalid object (422) and twice for a 409 race', async () => {
    let calls = 0;
    const url = await serve((req, _body, res) => {
      calls += 1;
      if (req.url?.startsWith('/invalid'))
        return json(res, 422, {
          kind: 'Status',
          reason: 'Invalid',
          message: 'spec.replicas: Invalid value: -1',
        });
      if (calls === 2)
        return json(res, 409, {
          kind: 'Status',
          reason: 'Conflict',
          message: 'the object has been modified',
        });
      json(res, 200, {});
    });
    const http = new KubeHttp(kubeConfig(url), { retry: { baseDelayMs: 1 } });

    const invalid = await http.request({ method: 'PATCH', path: '/invalid', object: 'x', verb: 'apply' });
    expect(invalid).toMatchObject({ status: 422, attempts: 1 });
    expect(calls).toBe(1);
    const raced = await http.request({ method: 'PATCH', path: '/raced', object: 'x', verb: 'apply' });
    expect(raced).toMatchObject({ status: 200, attempts: 2 });
    http.close();
  });

  it('gives up after the bounded attempts and returns the last answer', async () => {
    const url = await serve((_req, _body, res) => json(res, 500, { kind: 'Status', message: 'boom' }));
    const http = new KubeHttp(kubeConfig(url), { retry: { maxAttempts: 3, baseDelayMs: 1 } });

    const response = await http.request({ method: 'GET', path: '/api/v1', object: 'v1', verb: 'get' });

    expect(response).toMatchObject({ status: 500, attempts: 3 });
    http.close();
  });

  it('reuses kept-alive connections for many requests', async () => {
    const url = await serve((_req, _body, res) => json(res, 200, {}));
    const http = new KubeHttp(kubeConfig(url), { maxSockets: 4 });

    await Promise.all(
      Array.from({ length: 100 }, () =>
        http.request({ method: 'GET', path: '/api/v1', object: 'v1', verb: 'get' }),
      ),
    );

    expect(connections).toBeLessThanOrEqual(4);
    http.close();
  });

  it('throws Unavailable, naming the object, when nothing answers', async () => {
    const url = await serve(() => undefined);
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const http = new KubeHttp(kubeConfig(url), { retry: { maxAttempts: 2, baseDelayMs: 1 } });

    await expect(
      http.request({ method: 'GET', path: '/api/v1', object: 'ConfigMap/a/b', verb: 'get' }),
    ).rejects.toMatchObject({ name: 'ClusterError', code: 'Unavailable', object: 'ConfigMap/a/b' });
  });

  it('refuses plain http unless the kubeconfig says skipTLSVerify', async () => {
    const url = await serve((_req, _body, res) => json(res, 200, {}));
    const http = new KubeHttp(kubeConfig(url, false));

    await expect(http.request({ method: 'GET', path: '/api/v1', object: 'v1', verb: 'get' })).rejects.toThrow(
      /v1: .*HTTP protocol is not allowed/,
    );
  });
});
