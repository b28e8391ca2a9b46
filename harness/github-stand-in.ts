/**
 * A stand-in for the part of GitHub's REST API syncwave's AWS functions call, on loopback, backed
 * by a real git repository (GitHub's API cannot run here):
 *
 *   GET  /repos/O/R/commits/REF       (Accept: application/vnd.github.sha) the commit SHA
 *   GET  /repos/O/R/tarball/SHA       a real tarball (`git archive`, top directory O-R-SHORT/ as GitHub names it)
 *   GET  /repos/O/R/compare/BASE...HEAD  status (ahead/behind/identical/diverged) and changed files
 *   POST /repos/O/R/statuses/SHA      recorded in `statuses`
 *
 * Every request must carry the token (`Authorization: token|Bearer TOKEN`), as a private
 * repository's would; anything else is 404 as GitHub answers.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface GithubStandIn {
  url: string;
  statuses: Array<{ sha: string; state: string; context: string; description?: string }>;
  /** Tarballs served (each a whole download). */
  tarballs: string[];
  /** Requests refused for a missing or wrong token. */
  unauthorized: number;
  stop(): Promise<void>;
}

export async function startGithubStandIn(opts: {
  /** `owner/name` the functions are configured with. */
  repo: string;
  /** A git repository (work tree or bare) holding the commits. */
  gitDir: string;
  token: string;
}): Promise<GithubStandIn> {
  const git = async (...args: string[]) =>
    (await exec('git', args, { cwd: opts.gitDir, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
  const prefix = `/repos/${opts.repo}/`;
  const state: Omit<GithubStandIn, 'url' | 'stop'> = { statuses: [], tarballs: [], unauthorized: 0 };
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse): void =>
    json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });

  async function handle(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${opts.token}` && auth !== `Bearer ${opts.token}`) {
      state.unauthorized += 1;
      return notFound(res);
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!path.startsWith(prefix)) return notFound(res);
    const [kind, ...rest] = path.slice(prefix.length).split('/');
    const arg = decodeURIComponent(rest.join('/'));
    const sha = async (ref: string) => {
      try {
        return await git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
      } catch {
        return undefined;
      }
    };
    if (req.method === 'GET' && kind === 'commits') {
      const found = await sha(arg);
      if (!found) return json(res, 422, { message: `No commit found for SHA: ${arg}` });
      res.writeHead(200, { 'content-type': 'application/vnd.github.sha; charset=utf-8' });
      res.end(found);
      return;
    }
    if (req.method === 'GET' && kind === 'tarball') {
      const found = await sha(arg);
      if (!found) return notFound(res);
      state.tarballs.push(found);
      const top = `${opts.repo.replace('/', '-')}-${found.slice(0, 7)}/`;
      res.writeHead(200, {
        'content-type': 'application/x-gzip',
        'content-disposition': `attachment; filename=${top.slice(0, -1)}.tar.gz`,
      });
      const archive = spawn('git', ['archive', '--format=tar.gz', `--prefix=${top}`, found], {
        cwd: opts.gitDir,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      archive.stdout.pipe(res);
      return;
    }
    if (req.method === 'GET' && kind === 'compare') {
      const [base, head] = arg.split('...');
      const [b, h] = await Promise.all([sha(base ?? ''), sha(head ?? '')]);
      if (!b || !h) return notFound(res);
      const isAncestor = async (x: string, y: string) =>
        exec('git', ['merge-base', '--is-ancestor', x, y], { cwd: opts.gitDir }).then(
          () => true,
          () => false,
        );
      const status =
        b === h
          ? 'identical'
          : (await isAncestor(b, h))
            ? 'ahead'
            : (await isAncestor(h, b))
              ? 'behind'
              : 'diverged';
      const names = (await git('diff', '--name-status', '-M', b, h)).split('\n').filter(Boolean);
      const files = names.map((line) => {
        const [st, first, second] = line.split('\t');
        return st?.startsWith('R')
          ? { filename: second, previous_filename: first, status: 'renamed' }
          : { filename: first, status: st === 'A' ? 'added' : st === 'D' ? 'removed' : 'modified' };
      });
      return json(res, 200, { status, ahead_by: 0, behind_by: 0, total_commits: 0, commits: [], files });
    }
    if (req.method === 'POST' && kind === 'statuses') {
      const parsed = JSON.parse(body) as { state: string; context: string; description?: string };
      state.statuses.push({ sha: arg, ...parsed });
      return json(res, 201, { id: state.statuses.length, state: parsed.state, context: parsed.context });
    }
    return notFound(res);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks).toString('utf8'), res).catch((err: unknown) =>
        json(res, 500, { message: (err as Error).message }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  });
}
