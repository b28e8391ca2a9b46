import { CliError } from '../cli-error.ts';
import type {
  AppDetail,
  AppListResponse,
  DiffResponse,
  HistoryResponse,
  JobAccepted,
  JobStatusResponse,
  SyncRequestBody,
} from './api-types.ts';

/** serve's API listener unless told (`serve --api-port`). */
export const DEFAULT_SERVER = 'http://127.0.0.1:8081';

export interface ApiClientOptions {
  /** Base URL of `syncwave serve`; its API listener; default $SYNCWAVE_SERVER or http://127.0.0.1:8081. */
  server: string;
  /** The bearer token (serve's data directory, api-token); requests go without one when absent. */
  token?: string;
  /** Per-request timeout; 30 s unless told. */
  timeoutMs?: number;
}

/** Talks to a `syncwave serve` instance over its JSON API. */
export class ApiClient {
  constructor(private readonly opts: ApiClientOptions) {}

  listApps(env?: string): Promise<AppListResponse> {
    return this.request('GET', `/api/apps${query({ env })}`);
  }

  getApp(name: string, env?: string): Promise<AppDetail> {
    return this.request('GET', `/api/apps/${encodeURIComponent(name)}${query({ env })}`);
  }

  history(name: string, env?: string): Promise<HistoryResponse> {
    return this.request('GET', `/api/apps/${encodeURIComponent(name)}/history${query({ env })}`);
  }

  diff(name: string, env?: string): Promise<DiffResponse> {
    return this.request('GET', `/api/apps/${encodeURIComponent(name)}/diff${query({ env })}`);
  }

  sync(name: string, body: SyncRequestBody): Promise<JobAccepted> {
    return this.request('POST', `/api/apps/${encodeURIComponent(name)}/sync`, body);
  }

  rollback(name: string, body: { id: number; env?: string }): Promise<JobAccepted> {
    return this.request('POST', `/api/apps/${encodeURIComponent(name)}/rollback`, body);
  }

  resume(name: string, body: { env?: string }): Promise<AppDetail> {
    return this.request('POST', `/api/apps/${encodeURIComponent(name)}/resume`, body);
  }

  job(id: string): Promise<JobStatusResponse> {
    return this.request('GET', `/api/jobs/${encodeURIComponent(id)}`);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.opts.server);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (cause) {
      throw new CliError(
        `cannot reach syncwave serve at ${this.opts.server} (${(cause as Error).message}): start it with \`syncwave serve\`, or pass --server / set SYNCWAVE_SERVER`,
        undefined,
        { cause },
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new CliError(
        `${method} ${url.pathname}: the server answered ${response.status} with non-JSON: ${text.slice(0, 200)}`,
      );
    }
    if (!response.ok) {
      const message = (json as { message?: string }).message ?? text;
      const hint =
        response.status === 401
          ? "; the token is in serve's data directory (api-token): pass --data-dir DIR, --token or SYNCWAVE_TOKEN"
          : '';
      throw new CliError(`${message} (HTTP ${response.status})${hint}`);
    }
    return json as T;
  }
}

function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}
