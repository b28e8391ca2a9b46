import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { ToolRunner } from '../../engine/ports.ts';
import type { ToolPaths } from './ensure-tools.ts';
import { ToolsError } from './errors.ts';

export interface ProcessToolRunnerOptions {
  tools: Pick<ToolPaths, 'helm' | 'kubectl'>;
  /** Writable directory for HOME and Helm's cache/config/data (e.g. `<cache>/home`). Created if missing. */
  homeDir: string;
  /** Kill a run after this long; 120 s unless told. */
  timeoutMs?: number;
  /** Base environment; process.env unless told. */
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** Output past this is an error: a render that large is a mistake, not a manifest. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Runs helm and kubectl as child processes. HOME and HELM_{CACHE,CONFIG,DATA}_HOME point into
 * `homeDir`, so it works where $HOME is read-only (Lambda), and the helm directory leads PATH so
 * `kubectl kustomize --enable-helm` finds the same helm. A non-zero exit is returned, not thrown;
 * a binary that cannot start or a timeout throws ToolsError.
 */
export class ProcessToolRunner implements ToolRunner {
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;

  constructor(private readonly opts: ProcessToolRunnerOptions) {
    const base = opts.env ?? process.env;
    const helmHome = join(opts.homeDir, 'helm');
    for (const d of ['cache', 'config', 'data']) mkdirSync(join(helmHome, d), { recursive: true });
    this.env = {
      ...base,
      HOME: opts.homeDir,
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_DATA_HOME: join(helmHome, 'data'),
      PATH: [dirname(opts.tools.helm), base.PATH ?? ''].filter(Boolean).join(delimiter),
    };
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  run(
    tool: 'helm' | 'kubectl',
    args: string[],
    opts: { cwd?: string; env?: Record<string, string> } = {},
  ): Promise<{ stdout: string; stderr: string; code: number }> {
    const bin = this.opts.tools[tool];
    return new Promise((resolve, reject) => {
      const child = spawn(bin, args, {
        cwd: opts.cwd,
        env: { ...this.env, ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: this.timeoutMs,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      const collect = (into: Buffer[]) => (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_OUTPUT_BYTES) child.kill('SIGKILL');
        else into.push(chunk);
      };
      child.stdout.on('data', collect(out));
      child.stderr.on('data', collect(err));
      child.on('error', (cause) =>
        reject(
          new ToolsError(`${tool} (${bin}): could not start: ${cause.message}; run npm run tools:install`, {
            cause,
          }),
        ),
      );
      child.on('close', (code, signal) => {
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        if (signal) {
          const why = size > MAX_OUTPUT_BYTES ? `wrote more than ${MAX_OUTPUT_BYTES} bytes` : `got ${signal}`;
          reject(
            new ToolsError(
              `${tool} ${args.join(' ')}: ${why} (timeout ${this.timeoutMs} ms); check the chart or source`,
            ),
          );
          return;
        }
        resolve({ stdout, stderr, code: code ?? 1 });
      });
    });
  }
}
