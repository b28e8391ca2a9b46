// `syncwave serve` as a user runs it, for CLI end-to-end tests: a real git server on loopback
// holding the example GitOps repository (one environment with a unique name and namespace
// prefix, bound to branch develop), serve as a child process against the shared control plane
// (process.env.KUBECONFIG from global-setup), pushes delivered as signed GitHub webhooks, and the
// CLI run as a process.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ApiClient } from '../../cli/client/api-client.ts';
import type { HistoryEntry } from '../../engine/history.ts';
import type { AppState } from '../../engine/state.ts';
import { type RunningGitServer, startGitServer } from '../../harness/git-server.ts';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';
import {
  pushPayload,
  sendGithubWebhook,
  type WebhookAnswer,
  ZERO_SHA,
} from '../../scripts/demo/github-push.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import {
  type CliResult,
  runSyncwave,
  type ServeProcess,
  startServe,
} from '../../scripts/demo/serve-process.ts';
import { type SecretCanary, secretCanary } from './secret-canary.ts';

export const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;
export { ZERO_SHA };

export interface ServeEnv {
  /** Environment name (also the namespace prefix without the dash). */
  env: string;
  ns(app: string): string;
  repo: GitWorkRepo;
  remote: string;
  kubeconfig: string;
  context: string;
  secret: string;
  work: string;
  logFile: string;
  serve: ServeProcess;
  api: ApiClient;
  /** The Secret apps/database/canary.yaml holds; every CLI output and serve's log are collected into it. */
  canary: SecretCanary;
  /** Lines of the CLI's outputs and serve's log (read now) showing a canary value; [] when none. */
  leaks(): Promise<string[]>;
  /** The syncwave CLI against this serve (SYNCWAVE_SERVER set). */
  cli(args: string[]): Promise<CliResult>;
  /** Commits the working tree on develop (when `message`), pushes and delivers the signed webhook. */
  push(message?: string): Promise<{ sha: string; answer: WebhookAnswer }>;
  /** Delivers a webhook for develop's last push (before -> after) without pushing. */
  webhook(before: string, after: string, opts?: { secret?: string | null }): Promise<WebhookAnswer>;
  kubectl(args: string[]): Promise<string>;
  apps(): Promise<AppState[]>;
  history(app: string): Promise<HistoryEntry[]>;
  /** Waits until the apps are Synced (+ Healthy unless told) at `revision`. */
  waitSynced(
    apps: readonly string[],
    revision: string,
    opts?: { healthy?: boolean; timeoutMs?: number },
  ): Promise<AppState[]>;
  /** Starts serve again on the same port and data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The current context of a kubeconfig file. */
async function currentContext(kubeconfig: string): Promise<string> {
  const doc = parse(await readFile(kubeconfig, 'utf8')) as { 'current-context'?: string };
  if (!doc['current-context']) throw new Error(`${kubeconfig} has no current-context`);
  return doc['current-context'];
}

let counter = 0;

export async function serveEnv(
  name: string,
  opts: {
    driftInterval?: string;
    serveArgs?: string[];
    /** serve gets --repo with the canary's git token as userinfo. */
    credentialsInUrl?: boolean;
  } = {},
): Promise<ServeEnv> {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig)
    throw new Error('KUBECONFIG is not set: run through the integration project (global-setup)');
  const context = await currentContext(kubeconfig);
  const env = `${name}${process.pid % 1000}${counter++}`;
  const work = await mkdtemp(join(tmpdir(), `sw-cli-${name}-`));
  const git: RunningGitServer = await startGitServer({ root: join(work, 'git') });
  const remote = `${git.url}/gitops.git`;
  // main holds the repository (serve reads environments from HEAD = main); develop does not
  // exist yet: the first push creates it.
  const repo = await createWorkRepo({ dir: join(work, 'repo'), from: EXAMPLES, branches: ['main'] });
  const config = (await readFile(join(repo.dir, 'syncwave.yaml'), 'utf8'))
    .replace(/^ {2}dev: .*$/m, `  ${env}: { branch: develop, cluster: ${context}, namespacePrefix: ${env}- }`)
    .replace(/^ {2}prod: .*$/m, '')
    .replaceAll('values-${env}.yaml', 'values-dev.yaml');
  await writeFile(join(repo.dir, 'syncwave.yaml'), config);
  const canary = secretCanary();
  await writeFile(join(repo.dir, 'apps/database/canary.yaml'), canary.manifest());
  await repo.commitAll(`test environment ${env}`);
  await createBare(repo, work, remote);
  await repo.git('checkout', '-q', '-b', 'develop');

  const secret = randomBytes(16).toString('hex');
  const secretFile = join(work, 'webhook-secret');
  await writeFile(secretFile, secret);
  const logFile = join(work, 'serve.log');
  const serveOpts = {
    repo: opts.credentialsInUrl ? remote.replace('://', `://x-access-token:${canary.values[3]}@`) : remote,
    dataDir: join(work, 'data'),
    secretFile,
    kubeconfig,
    driftInterval: opts.driftInterval ?? '2s',
    logFile,
    ...(opts.serveArgs ? { extraArgs: opts.serveArgs } : {}),
  };
  let serve = await startServe(serveOpts);
  let pushed = ZERO_SHA;

  const self: ServeEnv = {
    env,
    ns: (app) => `${env}-${app}`,
    repo,
    remote,
    kubeconfig,
    context,
    secret,
    work,
    logFile,
    get serve() {
      return serve;
    },
    get api() {
      return new ApiClient({ server: serve.apiUrl, token: serve.token });
    },
    canary,
    async leaks() {
      canary.collect('serve.log', await readFile(logFile, 'utf8').catch(() => ''));
      return canary.leaks();
    },
    async cli(args) {
      const r = await runSyncwave(args, {
        server: serve.apiUrl,
        dataDir: serve.dataDir,
        env: { NO_COLOR: '1' },
      });
      canary.collect(`syncwave ${args.join(' ')}`, `${r.stdout}\n${r.stderr}`);
      return r;
    },
    async webhook(before, after, o = {}) {
      const payload = await pushPayload({
        repo,
        branch: 'develop',
        before,
        after,
        fullName: 'example/gitops',
        cloneUrl: remote,
      });
      return sendGithubWebhook({
        url: `${serve.url}/webhook`,
        secret: o.secret === undefined ? secret : o.secret,
        payload,
      });
    },
    async push(message) {
      if (message) await repo.commitAll(message);
      const before = pushed;
      const sha = await repo.head();
      await repo.push('develop');
      pushed = sha;
      return { sha, answer: await self.webhook(before, sha) };
    },
    kubectl: (args) => kubectl(kubeconfig, args),
    async apps() {
      return (await self.api.listApps(env)).apps;
    },
    async history(app) {
      try {
        return (await self.api.history(app, env)).history;
      } catch {
        return [];
      }
    },
    async waitSynced(names, revision, o = {}) {
      const healthy = o.healthy ?? true;
      const deadline = Date.now() + (o.timeoutMs ?? 90_000);
      for (;;) {
        const list = await self.apps().catch(() => []);
        const found = names.map((n) => list.find((a) => a.app === n));
        if (
          found.every(
            (a) =>
              a &&
              a.syncStatus === 'Synced' &&
              a.syncedRevision === revision &&
              (!healthy || a.health.status === 'Healthy'),
          )
        )
          return found as AppState[];
        if (Date.now() > deadline) {
          const now = list.map(
            (a) => `${a.app} ${a.syncStatus}/${a.health.status}@${a.syncedRevision?.slice(0, 7)}`,
          );
          throw new Error(
            `timed out waiting for ${names.join(', ')} at ${revision.slice(0, 7)}: ${now.join('; ')} (log ${logFile})`,
          );
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    },
    async restart() {
      await serve.stop();
      serve = await startServe({ ...serveOpts, port: serve.port, apiPort: serve.apiPort });
    },
    async stop() {
      await serve.stop();
      await git.stop();
      for (const app of ['database', 'backend', 'frontend', 'broken'])
        await kubectl(kubeconfig, [
          'delete',
          'namespace',
          `${env}-${app}`,
          '--ignore-not-found',
          '--wait=false',
        ]).catch(() => {});
      if (!process.env.SYNCWAVE_KEEP_TEST_DIRS) await rm(work, { recursive: true, force: true });
    },
  };
  return self;
}

/** Pushes main to the git server (the bare repository is created by the server root). */
async function createBare(repo: GitWorkRepo, work: string, remote: string): Promise<void> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  await promisify(execFile)('git', ['init', '-q', '--bare', '-b', 'main', join(work, 'git', 'gitops.git')]);
  await repo.git('remote', 'add', 'origin', remote);
  await repo.push('main');
}

/** A plain-YAML app whose image cannot be pulled (kwok reports ImagePullBackOff). */
export const BROKEN_APP = {
  config: `  - name: broken
    path: apps/broken
    namespace: broken
    wave: 5
    syncPolicy: { automated: { prune: true, selfHeal: false }, syncOptions: [CreateNamespace=true], healthTimeout: 20s }
`,
  deployment: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicas: 1
  selector:
    matchLabels: { app: broken }
  template:
    metadata:
      labels: { app: broken }
    spec:
      containers:
        - name: web
          image: ghcr.io/example/doesnotexist:1.0.0
`,
};
