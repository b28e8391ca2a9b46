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

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export interface ApiClientOptions {
  /** Base URL of `syncwave serve`; default $SYNCWAVE_SERVER or http://127.0.0.1:8080. */
  server: string;
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
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
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
      throw new CliError(`${message} (HTTP ${response.status})`);
    }
    return json as T;
  }
}

function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}
