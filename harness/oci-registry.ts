// An OCI registry on loopback for tests: the CNCF distribution registry
// (github.com/distribution/distribution/v3/cmd/registry), built from Go modules on first use and
// cached in ${SYNCWAVE_CACHE:-~/.cache/syncwave}/bin, started on a free 127.0.0.1 port with its
// storage in a temporary directory; charts are pushed to it with the real `helm push`. With
// `auth`, the registry uses its token authentication (Docker's token protocol, as registries
// such as Docker Hub, GHCR and Harbor do): a small token server here checks basic credentials
// and issues ES256 JWTs that the registry verifies against a JWKS file.

import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ToolRunner } from '../engine/ports.ts';
import { cacheDir } from './cluster.ts';

/** The distribution registry version built with `go install …/cmd/registry@…`. */
export const REGISTRY_VERSION = 'v3.1.2';

export interface OciRegistry {
  /** `127.0.0.1:<port>`: `oci://<host>/charts` is a chart repository URL in it. */
  host: string;
  /** The registry's storage (`docker/registry/v2/...`), for tests that tamper with it. */
  dataDir: string;
  /** The hex sha256 of the Helm chart layer of `repository:tag`, read from its manifest. */
  layerDigest(repository: string, tag: string): Promise<string>;
  /** Requests the token server answered (with auth): the Authorization header each carried. */
  tokenRequests: IncomingHttpHeaders[];
  /** Requests the registry logged (method and path), for cache assertions. */
  requests(): string[];
  /** `helm push` of a chart directory (packaged first) to `oci://<host>/<path>`. */
  push(chartDir: string, path: string): Promise<void>;
  stop(): Promise<void>;
}

function log(msg: string): void {
  process.stderr.write(`[registry] ${msg}\n`);
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: tmpdir(), env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

let building: Promise<string> | undefined;

/** The registry binary's path, building it (about a minute on 2 cores) when missing. */
export function ensureRegistryBinary(): Promise<string> {
  building ??= (async () => {
    const target = join(cacheDir(), 'bin', `registry-${REGISTRY_VERSION}`);
    if (existsSync(target)) return target;
    const gobin = join(dirname(target), `.registry-build-${process.pid}`);
    await mkdir(gobin, { recursive: true });
    const t0 = Date.now();
    log(`building the distribution registry ${REGISTRY_VERSION} -> ${target}`);
    try {
      await exec(
        'go',
        [
          'install',
          '-trimpath',
          '-ldflags',
          '-s -w',
          `github.com/distribution/distribution/v3/cmd/registry@${REGISTRY_VERSION}`,
        ],
        {
          ...process.env,
          GOTOOLCHAIN: process.env.GOTOOLCHAIN || 'local',
          CGO_ENABLED: '0',
          GOBIN: gobin,
          GOFLAGS: '-buildvcs=false',
        },
      );
      await rename(join(gobin, 'registry'), target);
    } finally {
      await rm(gobin, { recursive: true, force: true });
    }
    log(`built the registry in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return target;
  })();
  building.catch(() => {
    building = undefined;
  });
  return building;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** A token server for the registry's token auth: basic credentials in, an ES256 JWT out. */
async function startTokenServer(
  auth: { username: string; password: string },
  dir: string,
  requests: IncomingHttpHeaders[],
): Promise<{ server: Server; realm: string; jwks: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'syncwave-test-key';
  const jwks = join(dir, 'jwks.json');
  await writeFile(
    jwks,
    JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'ES256' }] }),
  );
  const want = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const server = createHttpServer((req, res) => {
    requests.push(req.headers);
    if (req.headers.authorization !== want) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"wrong credentials"}');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const access = url.searchParams.getAll('scope').map((scope) => {
      const [type, ...rest] = scope.split(':');
      const actions = (rest.pop() ?? '').split(',');
      return { type, name: rest.join(':'), actions };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }));
    const claims = b64url(
      JSON.stringify({
        iss: 'syncwave-test-issuer',
        sub: auth.username,
        aud: url.searchParams.get('service'),
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: `${header}.${claims}.${b64url(signature)}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, realm: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, jwks };
}

/**
 * Starts a registry on loopback (plain http; with `auth`, token authentication behind basic
 * credentials) and waits until `/v2/` answers.
 */
export async function startOciRegistry(opts: {
  tools: ToolRunner;
  auth?: { username: string; password: string };
}): Promise<OciRegistry> {
  const bin = await ensureRegistryBinary();
  const dir = await mkdtemp(join(tmpdir(), 'syncwave-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  const tokenRequests: IncomingHttpHeaders[] = [];
  const token = opts.auth ? await startTokenServer(opts.auth, dir, tokenRequests) : undefined;
  await writeFile(
    config,
    [
      'version: 0.1',
      'log: { level: info, formatter: json, accesslog: { disabled: false } }',
      `storage: { filesystem: { rootdirectory: ${JSON.stringify(join(dir, 'data'))} } }`,
      `http: { addr: "${host}" }`,
      ...(token
        ? [
            `auth: { token: { realm: "${token.realm}", service: syncwave-test, issuer: syncwave-test-issuer, jwks: ${JSON.stringify(token.jwks)} } }`,
          ]
        : []),
      '',
    ].join('\n'),
  );
  const lines: string[] = [];
  const child: ChildProcess = spawn(bin, ['serve', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', OTEL_TRACES_EXPORTER: 'none' },
  });
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await fetch(`http://${host}/v2/`).then(
      (r) => r.status === 200 || (token !== undefined && r.status === 401),
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the registry did not start on ${host}:\n${lines.slice(-20).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    dataDir: join(dir, 'data'),
    async layerDigest(repository, tag) {
      const res = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      if (!res.ok) throw new Error(`${repository}:${tag}: HTTP ${res.status}`);
      const manifest = (await res.json()) as { layers: Array<{ mediaType: string; digest: string }> };
      const layer = manifest.layers.find((l) =>
        l.mediaType.startsWith('application/vnd.cncf.helm.chart.content'),
      );
      if (!layer) throw new Error(`${repository}:${tag} has no chart layer`);
      return layer.digest.replace(/^sha256:/, '');
    },
    tokenRequests,
    requests: () =>
      lines.flatMap((l) => {
        const m = /"(GET|HEAD|PUT|POST|PATCH|DELETE) ([^ ]+) HTTP/.exec(l);
        return m ? [`${m[1]} ${m[2]}`] : [];
      }),
    async push(chartDir, path) {
      const out = await mkdtemp(join(dir, 'package-'));
      const pack = await opts.tools.run('helm', ['package', chartDir, '--destination', out]);
      if (pack.code !== 0) throw new Error(`helm package ${chartDir}: ${pack.stderr}`);
      const archive = pack.stdout.trim().split(' ').pop() ?? '';
      const login = opts.auth ? ['--username', opts.auth.username, '--password', opts.auth.password] : [];
      const res = await opts.tools.run('helm', [
        'push',
        archive,
        `oci://${host}/${path}`,
        '--plain-http',
        ...login,
      ]);
      if (res.code !== 0) throw new Error(`helm push ${archive}: ${res.stderr}`);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (token) {
        token.server.closeAllConnections();
        await new Promise<void>((resolve) => token.server.close(() => resolve()));
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
