// A real git smart-HTTP server on loopback for tests and the demo: Debian git's
// `git http-backend` behind a small node:http CGI bridge. Pushes are enabled.
//
// It always runs in its own process (`tsx harness/git-server.ts --root DIR --port 0`, which
// prints its URL on the first line of stdout): a synchronous git client in the same process as
// the bridge would deadlock it. `startGitServer({ root })` starts that child and returns its URL.
//
// Repositories are the bare repositories under `root`: `<url>/<name>.git`.
// With `--auth user:token` (or `auth` in the helper) every request needs HTTP basic auth.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface StartGitServerOptions {
  /** Directory of bare repositories (`<root>/<name>.git`). */
  root: string;
  /** `user:token` required as HTTP basic auth on every request. */
  auth?: string;
}

export interface RunningGitServer {
  /** `http://127.0.0.1:<port>`; a repository is `${url}/<name>.git`. */
  url: string;
  stop(): Promise<void>;
}

/** Starts the server as a child process (creating `root`) and resolves once it listens. */
export async function startGitServer(opts: StartGitServerOptions): Promise<RunningGitServer> {
  await mkdir(opts.root, { recursive: true });
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const args = [self, '--root', opts.root, '--port', '0', ...(opts.auth ? ['--auth', opts.auth] : [])];
  const child = spawn(tsx, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        child.stdout?.off('data', onData);
        resolve(line.trim());
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`git server exited with code ${code} before listening: ${stderr}`)),
    );
    child.once('error', reject);
  });
  return { url, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** True when the request carries the expected basic credentials. */
function authorized(req: IncomingMessage, auth: string | undefined): boolean {
  if (!auth) return true;
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  return Buffer.from(header.slice(6), 'base64').toString('utf8') === auth;
}

/** Runs `git http-backend` as a CGI script for one request, streaming both bodies. */
function serveCgi(root: string, req: IncomingMessage, res: ServerResponse, user: string | undefined): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'http.receivepack',
    GIT_CONFIG_VALUE_0: 'true',
    GIT_CONFIG_KEY_1: 'uploadpack.allowReachableSHA1InWant',
    GIT_CONFIG_VALUE_1: 'true',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    REMOTE_USER: user ?? 'syncwave-test',
    SERVER_PROTOCOL: 'HTTP/1.1',
  };
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
  if (req.headers['content-length']) env.CONTENT_LENGTH = String(req.headers['content-length']);

  const cgi = spawn(HTTP_BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(cgi.stdin);
  cgi.stdin.on('error', () => {});
  cgi.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));

  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    const endLf = head.indexOf('\n\n');
    const [at, sep] = end >= 0 && (endLf < 0 || end < endLf) ? [end, 4] : endLf >= 0 ? [endLf, 2] : [-1, 0];
    if (at < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, at).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(at + sep));
  });
  cgi.on('close', (code) => {
    if (!headersDone) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`git http-backend exited with code ${code} without a response\n`);
      return;
    }
    res.end();
  });
}

/** Runs the bridge in this process (the child side of startGitServer). */
async function main(argv: string[]): Promise<void> {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = flag('--root');
  if (!root || !existsSync(root))
    throw new Error('usage: git-server.ts --root DIR [--port N] [--auth user:token]');
  if (!existsSync(HTTP_BACKEND)) throw new Error(`${HTTP_BACKEND} not found: install Debian's git package`);
  const auth = flag('--auth');
  const server = createServer((req, res) => {
    if (!authorized(req, auth)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="syncwave-test"' });
      res.end('authentication required\n');
      return;
    }
    serveCgi(root, req, res, auth?.split(':')[0]);
  });
  server.listen(Number(flag('--port') ?? 0), '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`http://127.0.0.1:${port}\n`);
  });
  const shutdown = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
