import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type {
  DownloadOptions,
  DownloadResult,
  ToolRunner,
  ToolRunOptions,
  ToolRunResult,
} from '../../engine/index.ts';
import type { ChartCredential } from './chart-credentials.ts';
import { EgressProxy } from './egress-proxy.ts';
import type { ToolPaths } from './ensure-tools.ts';
import { ToolsError } from './errors.ts';
import { PolicyHttpClient } from './policy-http-client.ts';
import { DestinationCheck, type RenderNetworkPolicy } from './render-network-policy.ts';

export interface ProcessToolRunnerOptions {
  tools: Pick<ToolPaths, 'helm' | 'kubectl'>;
  /** Writable directory for HOME, XDG and Helm's cache/config/data, TMPDIR (e.g. `<cache>/home`). Created if missing. */
  homeDir: string;
  /** Kill a run after this long unless the call says otherwise; 120 s unless told. */
  timeoutMs?: number;
  /** Kill a run once its output passes this unless the call says otherwise; 256 MiB unless told. */
  maxOutputBytes?: number;
  /** Where renders may connect; by default no loopback, private or link-local address. */
  network?: RenderNetworkPolicy;
  /** The operator's chart repository and registry credentials (SYNCWAVE_CHART_CREDENTIALS). */
  chartCredentials?: readonly ChartCredential[];
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Runs helm and kubectl as child processes with nothing of the worker's to steal: the
 * environment is built from scratch (no AWS_*, tokens, SYNCWAVE_* or anything else of ours),
 * holding only PATH (the tools' own directories: no git, so kustomize remote bases fail), HOME,
 * XDG and Helm directories and TMPDIR under `homeDir`, an empty KUBECONFIG, and HTTP(S)_PROXY
 * pointing at our egress proxy, which applies the render network policy (NO_PROXY empty). A run
 * past its time or output limit is killed (its whole process group) and answered with
 * `stopped`; a non-zero exit is returned, not thrown; a binary that cannot start throws ToolsError.
 *
 * The proxy holds only for tools that honour the proxy variables; helm's and kustomize's Go
 * HTTP clients do, except that Go never proxies loopback destinations (localhost, 127.0.0.1,
 * ::1), so the engine also asks refuseDestination before it names a URL to a tool.
 */
export class ProcessToolRunner implements ToolRunner {
  private readonly baseEnv: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly maxOutputBytes: number;
  private readonly check: DestinationCheck;
  private readonly proxy: EgressProxy;
  private readonly http: PolicyHttpClient;

  constructor(private readonly opts: ProcessToolRunnerOptions) {
    const helmHome = join(opts.homeDir, 'helm');
    const xdg = join(opts.homeDir, 'xdg');
    for (const d of [join(helmHome, 'cache'), join(helmHome, 'config'), join(helmHome, 'data')])
      mkdirSync(d, { recursive: true });
    for (const d of ['cache', 'config', 'data', 'state']) mkdirSync(join(xdg, d), { recursive: true });
    mkdirSync(join(opts.homeDir, 'tmp'), { recursive: true });
    const path = [...new Set([dirname(opts.tools.helm), dirname(opts.tools.kubectl)])].join(delimiter);
    this.baseEnv = {
      PATH: path,
      HOME: opts.homeDir,
      TMPDIR: join(opts.homeDir, 'tmp'),
      XDG_CACHE_HOME: join(xdg, 'cache'),
      XDG_CONFIG_HOME: join(xdg, 'config'),
      XDG_DATA_HOME: join(xdg, 'data'),
      XDG_STATE_HOME: join(xdg, 'state'),
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_DATA_HOME: join(helmHome, 'data'),
      KUBECONFIG: join(opts.homeDir, 'no-kubeconfig'),
      NO_PROXY: '',
      no_proxy: '',
    };
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxOutputBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.check = new DestinationCheck(opts.network);
    this.proxy = new EgressProxy(this.check);
    const credentials = opts.chartCredentials ?? [];
    this.http = new PolicyHttpClient(this.check, () => credentials);
  }

  /** A GET within the render network policy, every redirect hop checked (PolicyHttpClient). */
  download(url: string, opts: DownloadOptions): Promise<DownloadResult> {
    return this.http.download(url, opts);
  }

  /** Connections the egress proxy refused so far (destination and reason). */
  get refusedConnections(): ReadonlyArray<{ destination: string; reason: string }> {
    return this.proxy.refused;
  }

  refuseDestination(url: string): Promise<string | undefined> {
    return this.check.refuseUrl(url);
  }

  /** The exact environment a tool runs with (for tests and debugging). */
  async environment(): Promise<Record<string, string>> {
    const proxy = await this.proxy.url();
    return { ...this.baseEnv, HTTP_PROXY: proxy, HTTPS_PROXY: proxy, http_proxy: proxy, https_proxy: proxy };
  }

  /** Stops the egress proxy (it never keeps the process alive, so this is for tidy tests). */
  close(): Promise<void> {
    return this.proxy.close();
  }

  async run(tool: 'helm' | 'kubectl', args: string[], opts: ToolRunOptions = {}): Promise<ToolRunResult> {
    const bin = this.opts.tools[tool];
    const env = { ...(await this.environment()), ...opts.env };
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const maxBytes = opts.maxOutputBytes ?? this.maxOutputBytes;
    return new Promise((resolve, reject) => {
      const child = spawn(bin, args, {
        cwd: opts.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let stopped: ToolRunResult['stopped'];
      const stop = (why: NonNullable<ToolRunResult['stopped']>) => {
        stopped ??= why;
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const timer = setTimeout(() => stop({ limit: 'timeout', ms: timeoutMs }), timeoutMs);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      const collect = (into: Buffer[]) => (chunk: Buffer) => {
        if (stopped) return;
        size += chunk.length;
        if (size > maxBytes) stop({ limit: 'output', bytes: maxBytes });
        else into.push(chunk);
      };
      child.stdout.on('data', collect(out));
      child.stderr.on('data', collect(err));
      child.on('error', (cause) => {
        clearTimeout(timer);
        reject(
          new ToolsError(`${tool} (${bin}): could not start: ${cause.message}; run npm run tools:install`, {
            cause,
          }),
        );
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const stdout = stopped ? '' : Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        resolve({ stdout, stderr, code: code ?? 1, ...(stopped ? { stopped } : {}) });
      });
    });
  }
}
