// A Helm chart repository on loopback for tests and the demo: `helm package`s the given chart
// directories into a temporary directory, indexes them with `helm repo index`, and serves the
// directory with node:http. Every request path is recorded, so a test can assert that a second
// render was served from syncwave's cache and never reached the repository.

import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
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
  /** The packaged archives' file names. */
  packages: string[];
  close(): Promise<void>;
}

export interface StartChartRepoOptions {
  /** Chart directories to package and serve. */
  charts: string[];
  tools: ToolRunner;
}

async function helm(tools: ToolRunner, args: string[]): Promise<void> {
  const res = await tools.run('helm', args);
  if (res.code !== 0) throw new Error(`helm ${args.join(' ')} failed: ${res.stderr.trim()}`);
}

export async function startChartRepo(opts: StartChartRepoOptions): Promise<ChartRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'syncwave-chart-repo-'));
  for (const chart of opts.charts) await helm(opts.tools, ['package', chart, '--destination', dir]);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await helm(opts.tools, ['repo', 'index', dir, '--url', url]);
  const packages = (await readdir(dir)).filter((f) => f.endsWith('.tgz'));
  return {
    url,
    requests,
    packages,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
