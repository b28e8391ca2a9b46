import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Environment, Job, Queue, Scrub } from '../../engine/index.ts';
import { DEFAULT_MAX_BODY_BYTES, handleWebhook } from '../../ingest/handle-webhook.ts';
import {
  checkDrift,
  type DriftReport,
  type EngineDeps,
  type JobResult,
  refreshAppHealth,
  runJob,
} from '../engine-api.ts';
import { guardApiRequest } from './api-guard.ts';
import { handleApi } from './api-routes.ts';
import { DriftLoop } from './drift-loop.ts';
import { HttpError, readBody, sendJson } from './http-io.ts';
import { RepoConfigCache } from './repo-config-cache.ts';
import { scrubbingReads } from './scrubbing-reads.ts';
import { type ClaimableQueue, WorkerPool } from './worker-pool.ts';

export interface ServeAppOptions {
  deps: EngineDeps;
  /** The durable job queue (SqliteJobQueue). */
  queue: Queue & ClaimableQueue;
  /** The webhook secret, read per delivery (so a rotated file takes effect). */
  secret: () => Promise<string>;
  /** `--repo` as given: names the repository in jobs and logs. */
  repo: string;
  /** The bearer token every API request must carry (serve writes it into its data directory). */
  apiToken: string;
  /** Takes known secret values (git token, webhook secret, API token) out of what the API answers. */
  scrub?: Scrub;
  /** Pushes to other repositories are ignored when set (`owner/name` or URL). */
  webhookRepo?: string;
  /** The ref whose syncwave.yaml declares the environments; 'HEAD' unless told. */
  configRef?: string;
  driftIntervalMs: number;
  /** How often apps that are not Healthy get their health refreshed; 3 s (at most the drift interval) unless told. */
  healthIntervalMs?: number;
  maxBodyBytes?: number;
  /** Preview pull requests from forks (untrusted content); off unless told. */
  previewForks?: boolean;
  /** Overrides for tests. */
  runJob?: (job: Job, deps: EngineDeps, opts: { deadline?: Date }) => Promise<JobResult>;
  checkDrift?: (
    env: Environment,
    deps: EngineDeps,
    opts: { repo: string },
  ) => Promise<Pick<DriftReport, 'jobs' | 'outOfSync'>>;
  sliceMs?: number;
}

/** Where serve listens: the public listener (webhook, healthz) and the API's own (loopback unless told). */
export interface ServeListen {
  port: number;
  host?: string;
  apiPort: number;
  apiHost?: string;
}

export interface ServeUrls {
  /** The public listener: POST /webhook, GET /healthz. */
  url: string;
  /** The API the CLI talks to: /api/... with the bearer token. */
  apiUrl: string;
}

export interface ServeApp {
  /** The public listener: /webhook and /healthz only. */
  server: Server;
  /** The API listener: /api/... behind the token, /healthz. */
  apiServer: Server;
  pool: WorkerPool;
  config: RepoConfigCache;
  /** Loads syncwave.yaml, starts the workers, the drift loop and both listeners; resolves with their URLs. */
  start(opts: ServeListen): Promise<ServeUrls>;
  /** Stops listening, lets running job slices finish, stops the loops. */
  stop(): Promise<void>;
}

/**
 * `syncwave serve` in one object: the webhook endpoint (ingest's handler, the webhook Lambda's
 * code) on the public listener, the JSON API for the CLI on its own listener behind a bearer
 * token, one worker per environment on the durable queue, and the drift/poll loop.
 */
export function createServeApp(opts: ServeAppOptions): ServeApp {
  const { deps } = opts;
  const scrub: Scrub = opts.scrub ?? ((text) => text);
  // What the API reads back (history and operation messages hold render errors) is scrubbed.
  const apiDeps: EngineDeps = { ...deps, state: scrubbingReads(deps.state, scrub) };
  const config = new RepoConfigCache(deps.source, opts.configRef ?? 'HEAD', deps);
  const run = opts.runJob ?? runJob;
  const pool = new WorkerPool({
    queue: opts.queue,
    runJob: (job, o) => run(job, deps, o),
    clock: deps.clock,
    log: deps.log,
    sliceMs: opts.sliceMs,
  });
  /** The queue handed to the webhook handler and the API: a send wakes the workers. */
  const queue: Queue = {
    send: async (job) => {
      await opts.queue.send(job);
      pool.wake();
    },
  };
  const drift = new DriftLoop({ intervalMs: opts.driftIntervalMs, log: deps.log, tick: () => driftRound() });

  async function driftRound(): Promise<void> {
    const envs = await config.refresh();
    const check = opts.checkDrift ?? checkDrift;
    for (const env of envs) {
      try {
        const report = await check(env, deps, { repo: opts.repo });
        for (const job of report.jobs) await queue.send(job);
        deps.log.info('drift checked', {
          env: env.name,
          outOfSync: report.outOfSync.length,
          jobs: report.jobs.length,
        });
      } catch (err) {
        deps.log.error('drift check failed', { env: env.name, error: (err as Error).message });
      }
    }
  }

  /**
   * Apps not Healthy get their health looked at again every few seconds (a sync records the
   * health it saw at its end, usually Progressing for the last wave), so `app list` and
   * `app wait --health` follow the rollout without waiting for the next drift round.
   */
  const health = new DriftLoop({
    intervalMs: Math.min(opts.healthIntervalMs ?? 3000, opts.driftIntervalMs),
    log: deps.log,
    tick: () => healthRound(),
  });

  async function healthRound(): Promise<void> {
    for (const env of config.environments) {
      const apps = (await deps.state.listApps(env.name)).filter((a) => a.health.status !== 'Healthy');
      if (apps.length === 0) continue;
      try {
        const cluster = await deps.clusterFor(env);
        for (const app of apps)
          await refreshAppHealth(app, { cluster, state: deps.state, clock: deps.clock });
      } catch (err) {
        deps.log.debug('health refresh failed', { env: env.name, error: (err as Error).message });
      }
    }
  }

  async function webhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const body = await readBody(req, maxBodyBytes);
    const answer = await handleWebhook(
      { headers: req.headers, body },
      {
        secret: opts.secret,
        environments: config.environments,
        repo: opts.webhookRepo,
        queue,
        now: deps.clock.now(),
        maxBodyBytes,
        previewForks: opts.previewForks ?? false,
      },
    );
    const fields = {
      deliveryId: answer.body.deliveryId,
      status: answer.status,
      detail: answer.body.message,
    };
    deps.log[answer.status >= 400 ? 'warn' : 'info']('webhook', fields);
    sendJson(res, answer.status, answer.body);
  }

  function healthz(res: ServerResponse): void {
    sendJson(res, 200, {
      status: 'ok',
      environments: config.environments.map((e) => e.name),
      idle: pool.idle,
    });
  }

  /** The public listener: what GitHub must reach, and nothing else. */
  async function routePublic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && req.method === 'GET') return healthz(res);
    if (url.pathname === '/webhook') {
      if (req.method !== 'POST') throw new HttpError(405, 'send webhooks with POST');
      await webhook(req, res);
      return;
    }
    throw new HttpError(404, `no route ${req.method} ${url.pathname}: try /healthz or /webhook`);
  }

  /** The API listener: every request needs the token (healthz aside), JSON bodies, no foreign origin. */
  async function routeApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && req.method === 'GET' && req.headers.origin === undefined)
      return healthz(res);
    guardApiRequest(req, { token: opts.apiToken });
    if (await handleApi(req, res, url, { deps: apiDeps, config, queue, pool, repo: opts.repo })) return;
    throw new HttpError(404, `no route ${req.method} ${url.pathname}: try /api/apps`);
  }

  const listener =
    (route: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      route(req, res).catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : err instanceof SyntaxError ? 400 : 500;
        if (status === 500)
          deps.log.error('request failed', { path: req.url, error: (err as Error).message });
        if (!res.headersSent) sendJson(res, status, { message: scrub((err as Error).message) });
        else res.end();
      });
    };
  const server = createServer(listener(routePublic));
  const apiServer = createServer(listener(routeApi));

  return {
    server,
    apiServer,
    pool,
    config,
    async start({ port, host = '127.0.0.1', apiPort, apiHost = '127.0.0.1' }) {
      await config.refresh();
      pool.start();
      const apiUrl = await listen(apiServer, apiPort, apiHost);
      const url = await listen(server, port, host);
      drift.start();
      health.start();
      return { url, apiUrl };
    },
    async stop() {
      await Promise.all([close(server), close(apiServer)]);
      await drift.stop();
      await health.stop();
      await pool.stop();
    },
  };
}

async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}

function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
