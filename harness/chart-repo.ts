// A Helm chart repository on loopback for tests and the demo: `helm package`s the given chart
// directories into a temporary directory, indexes them with `helm repo index`, and serves the
// directory with node:http. Every request path is recorded, so a test can assert that a second
// render was served from syncwave's cache and never reached the repository. For hostile and
// credential tests it can listen on another loopback address, answer paths with redirects,
// require basic auth, and have an archive swapped after indexing (a digest mismatch).

import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import type { ToolRunner } from '../engine/ports.ts';

export interface ChartRepo {
  /** http://127.0.0.1:<port>, the value for a dependency's `repository:`. */
  url: string;
  /** Paths requested so far, in order ('/index.yaml', '/redis-18.1.0.tgz', ...). */
  requests: string[];
  /** The User-Agent of each request, in the same order (syncwave's client sends `syncwave`, helm `Helm/...`). */
  agents: string[];
  /** The packaged archives' file names. */
  packages: string[];
  /** Replaces a served file (e.g. an archive, after index.yaml recorded its digest). */
  replace(file: string, bytes: Buffer | string): Promise<void>;
  close(): Promise<void>;
}

export interface StartChartRepoOptions {
  /** Chart directories to package and serve. */
  charts: string[];
  tools: ToolRunner;
  /** Loopback address to listen on (127.0.0.1 unless told; any 127.x.y.z works on Linux). */
  host?: string;
  /** Request URLs (path and query, exactly) answered with a 302 to the given URL instead of the file. */
  redirects?: Record<string, string>;
  /** Every request must carry these basic-auth credentials (else 401). */
  basicAuth?: { username: string; password: string };
}

async function helm(tools: ToolRunner, args: string[]): Promise<void> {
  const res = await tools.run('helm', args);
  if (res.code !== 0) throw new Error(`helm ${args.join(' ')} failed: ${res.stderr.trim()}`);
}

export async function startChartRepo(opts: StartChartRepoOptions): Promise<ChartRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'syncwave-chart-repo-'));
  for (const chart of opts.charts) await helm(opts.tools, ['package', chart, '--destination', dir]);
  const requests: string[] = [];
  const agents: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    agents.push(req.headers['user-agent'] ?? '');
    if (opts.basicAuth) {
      const want = `Basic ${Buffer.from(`${opts.basicAuth.username}:${opts.basicAuth.password}`).toString('base64')}`;
      if (req.headers.authorization !== want) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end();
        return;
      }
    }
    const redirect = opts.redirects?.[req.url ?? '/'];
    if (redirect) {
      res.writeHead(302, { location: redirect }).end();
      return;
    }
    const file = normalize(join(dir, path));
    if (!file.startsWith(`${dir}/`)) {
      res.writeHead(403).end();
      return;
    }
    stat(file).then(
      (s) => {
        if (!s.isFile()) {
          res.writeHead(404).end();
          return;
        }
        const type = file.endsWith('.yaml') ? 'application/x-yaml' : 'application/gzip';
        res.writeHead(200, { 'content-type': type, 'content-length': s.size });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  await helm(opts.tools, ['repo', 'index', dir, '--url', url]);
  const packages = (await readdir(dir)).filter((f) => f.endsWith('.tgz'));
  return {
    url,
    requests,
    agents,
    packages,
    replace: (file, bytes) => writeFile(join(dir, file), bytes),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
