import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiClient } from '../../cli/client/api-client.ts';
import type { AppState } from '../../engine/state.ts';
import { startGitServer } from '../../harness/git-server.ts';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';
import { pushPayload, sendGithubWebhook, ZERO_SHA } from '../../scripts/demo/github-push.ts';
import { type ServeProcess, startServe } from '../../scripts/demo/serve-process.ts';
import type { BenchCluster } from './bench-cluster.ts';

export interface ServeBench {
  env: string;
  repo: GitWorkRepo;
  serve: ServeProcess;
  api: ApiClient;
  /** Commits (when `message`), pushes develop and delivers the signed webhook; `sentAt` is when the request went out. */
  push(message?: string): Promise<{ sha: string; sentAt: number; status: number; jobIds: string[] }>;
  apps(): Promise<AppState[]>;
  /** Peak resident set of the serve process so far (VmHWM), bytes. */
  peakRss(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * `syncwave serve` as a user runs it, on a bench's private control plane: a git server on
 * loopback holding `from` (its syncwave.yaml's environments replaced by one bound to develop),
 * pushes delivered as signed GitHub webhooks.
 */
export async function serveBench(
  bc: BenchCluster,
  opts: { from: string; env: string; driftInterval?: string; extraArgs?: string[] },
): Promise<ServeBench> {
  const git = await startGitServer({ root: join(bc.dir, 'git') });
  const remote = `${git.url}/gitops.git`;
  const repo = await createWorkRepo({ dir: join(bc.dir, 'repo'), from: opts.from, branches: ['main'] });
  const config = (await readFile(join(repo.dir, 'syncwave.yaml'), 'utf8'))
    .replace(
      /^ {2}dev: .*$/m,
      `  ${opts.env}: { branch: develop, cluster: bench, namespacePrefix: ${opts.env}- }`,
    )
    .replace(/^ {2}prod: .*$/m, '')
    .replaceAll('values-${env}.yaml', 'values-dev.yaml');
  await writeFile(join(repo.dir, 'syncwave.yaml'), config);
  await repo.commitAll('bench environment');
  await promisify(execFile)('git', ['init', '-q', '--bare', '-b', 'main', join(bc.dir, 'git', 'gitops.git')]);
  await repo.git('remote', 'add', 'origin', remote);
  await repo.push('main');
  await repo.git('checkout', '-q', '-b', 'develop');
  const secret = randomBytes(16).toString('hex');
  const secretFile = join(bc.dir, 'webhook-secret');
  await writeFile(secretFile, secret);
  const serve = await startServe({
    repo: remote,
    dataDir: join(bc.dir, 'data'),
    secretFile,
    kubeconfig: bc.kubeconfigPath,
    driftInterval: opts.driftInterval ?? '10m',
    logFile: join(bc.dir, 'serve.log'),
    extraArgs: opts.extraArgs,
    // For a profile of serve itself: SYNCWAVE_BENCH_SERVE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
    nodeArgs: process.env.SYNCWAVE_BENCH_SERVE_NODE_ARGS?.split(' ').filter(Boolean),
  });
  const api = new ApiClient({ server: serve.apiUrl, token: serve.token });
  let pushed = ZERO_SHA;
  return {
    env: opts.env,
    repo,
    serve,
    api,
    async push(message) {
      if (message) await repo.commitAll(message);
      const sha = await repo.head();
      await repo.push('develop');
      const payload = await pushPayload({
        repo,
        branch: 'develop',
        before: pushed,
        after: sha,
        fullName: 'example/gitops',
        cloneUrl: remote,
      });
      pushed = sha;
      const sentAt = Date.now();
      const answer = await sendGithubWebhook({ url: `${serve.url}/webhook`, secret, payload });
      if (answer.status !== 202 && answer.status !== 200)
        throw new Error(`webhook answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return { sha, sentAt, status: answer.status, jobIds: (answer.body.jobs ?? []).map((j) => j.id) };
    },
    apps: async () => (await api.listApps(opts.env)).apps,
    async peakRss() {
      const status = await readFile(`/proc/${serve.child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb * 1024;
    },
    async stop() {
      await serve.stop();
      await git.stop();
    },
  };
}

/** Polls until `done` holds; throws after `timeoutMs`. */
export async function until<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  opts: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}
