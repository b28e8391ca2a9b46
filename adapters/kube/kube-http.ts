import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterError } from './errors.ts';
import type { KubeAccess } from './kube-access.ts';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableAnswer,
  isRetryableError,
  type RetryPolicy,
  retryDelayMs,
} from './retry-policy.ts';

export interface KubeHttpOptions {
  retry?: Partial<RetryPolicy>;
  /** Concurrent connections to the API server (kept alive and reused). Default 32. */
  maxSockets?: number;
  /** One attempt's time limit. Default 30000. */
  requestTimeoutMs?: number;
}

export interface KubeRequest {
  method: 'GET' | 'PATCH' | 'DELETE' | 'POST' | 'PUT';
  /** Path below the server URL, e.g. '/apis/apps/v1/namespaces/web/deployments/web'. */
  path: string;
  query?: Record<string, string | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Default 'application/json'. */
  contentType?: string;
  /** For error messages: `Kind/namespace/name`. */
  object: string;
  /** For error messages: 'apply', 'get', ... */
  verb: string;
}

export interface KubeResponse {
  status: number;
  /** Parsed JSON, or the text when the answer was not JSON. */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** Attempts made. */
  attempts: number;
}

/**
 * Raw JSON requests to the API server with the kubeconfig's credentials: a keep-alive
 * connection pool, bounded retries with backoff on 409 races/429/5xx/connection errors (retry-policy.ts). Any HTTP answer
 * is returned (callers map error statuses); only a request that never got an answer throws.
 */
export class KubeHttp {
  readonly #kc: KubeAccess;
  readonly #retry: RetryPolicy;
  readonly #maxSockets: number;
  readonly #timeoutMs: number;
  #agent: http.Agent | undefined;

  constructor(kc: KubeAccess, options: KubeHttpOptions = {}) {
    this.#kc = kc;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#maxSockets = options.maxSockets ?? 32;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** The API server URL of the current context. */
  get server(): string {
    const server = this.#kc.getCurrentCluster()?.server;
    if (!server) {
      throw new ClusterError({
        code: 'Other',
        object: `context ${this.#kc.getCurrentContext() || '(none)'}`,
        detail: 'the kubeconfig names no cluster server',
        advice: 'check the kubeconfig path and context',
      });
    }
    return server;
  }

  async request(request: KubeRequest): Promise<KubeResponse> {
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        let response = await this.#once(request);
        // Credentials refused (an EKS token past its life, or revoked): the access drops them
        // and the request is sent once more, whatever the retry policy; a second 401 stands
        // (its token dropped too, for the next request).
        if (response.status === 401 && !refreshed && this.#kc.refreshCredentials) {
          refreshed = true;
          if (await this.#kc.refreshCredentials(response.authorization)) {
            response = await this.#once(request);
            if (response.status === 401) await this.#kc.refreshCredentials(response.authorization);
          }
        }
        if (!isRetryableAnswer(response.status, response.body) || attempt >= this.#retry.maxAttempts) {
          const { authorization: _sent, ...answer } = response;
          return { ...answer, attempts: attempt };
        }
        await sleep(retryDelayMs(this.#retry, attempt, response.headers['retry-after']));
      } catch (error) {
        if (!isRetryableError(error) || attempt >= this.#retry.maxAttempts) {
          throw this.#noAnswer(request, attempt, error);
        }
        await sleep(retryDelayMs(this.#retry, attempt));
      }
    }
  }

  #noAnswer(request: KubeRequest, attempts: number, error: unknown): ClusterError {
    const message = (error as Error).message;
    if (!isRetryableError(error)) {
      return new ClusterError({
        code: 'Other',
        object: request.object,
        detail: `${request.verb} could not be sent to the API server: ${message}`,
        advice: 'check the kubeconfig: server URL, certificates and credentials',
        cause: error,
      });
    }
    return new ClusterError({
      code: 'Unavailable',
      object: request.object,
      detail: `${request.verb} got no answer from ${this.server} after ${attempts} attempt${attempts > 1 ? 's' : ''}: ${message}`,
      advice: 'check that the API server is reachable from here; the next sync retries it',
      cause: error,
    });
  }

  /** Closes the pooled connections. */
  close(): void {
    this.#agent?.destroy();
    this.#agent = undefined;
  }

  async #once(
    request: KubeRequest,
  ): Promise<Omit<KubeResponse, 'attempts'> & { authorization: string | undefined }> {
    const opts: https.RequestOptions = {};
    await this.#kc.applyToHTTPSOptions(opts);
    const url = new URL(this.server);
    const prefix = url.pathname.replace(/\/+$/, '');
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) query.set(key, value);
    }
    const search = query.size > 0 ? `?${query}` : '';
    const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    const headers: http.OutgoingHttpHeaders = {
      ...(opts.headers as http.OutgoingHttpHeaders | undefined),
      Accept: 'application/json',
    };
    if (payload !== undefined) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const isHttps = url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (isHttps ? 443 : 80),
      path: `${prefix}${request.path}${search}`,
      headers,
      auth: opts.auth,
      agent: this.#kc.getCurrentCluster()?.proxyUrl ? opts.agent : this.#pool(opts, isHttps),
    };
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            body: parseBody(text, res.headers),
            headers: res.headers,
            authorization: String(headers.Authorization ?? headers.authorization ?? '') || undefined,
          });
        });
      });
      req.setTimeout(this.#timeoutMs, () => {
        const timeout = Object.assign(new Error(`no answer within ${this.#timeoutMs} ms`), {
          code: 'ERR_REQUEST_TIMEOUT',
        });
        req.destroy(timeout);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** One keep-alive agent per KubeHttp, with the kubeconfig's TLS material. */
  #pool(opts: https.RequestOptions, isHttps: boolean): http.Agent {
    if (this.#agent === undefined) {
      const common = { keepAlive: true, maxSockets: this.#maxSockets, scheduling: 'lifo' as const };
      this.#agent = isHttps
        ? new https.Agent({
            ...common,
            ca: opts.ca,
            cert: opts.cert,
            key: opts.key,
            pfx: opts.pfx,
            passphrase: opts.passphrase,
            servername: opts.servername,
            ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }),
          })
        : new http.Agent(common);
    }
    return this.#agent;
  }
}

function parseBody(text: string, headers: IncomingHttpHeaders): unknown {
  if (text === '') return undefined;
  if (!(headers['content-type'] ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
