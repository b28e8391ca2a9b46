// `syncwave serve` as a child process, the way a user runs it: logs to a file, ready once
// GET /healthz answers; the API's token is read from the data directory, as the CLI does.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bin/syncwave.js, run with this process's Node (the project's pinned Node 22 under npm scripts). */
export const SYNCWAVE_BIN = fileURLToPath(new URL('../../bin/syncwave.js', import.meta.url));

export interface ServeOptions {
  repo: string;
  dataDir: string;
  secretFile: string;
  kubeconfig: string;
  /** One context for every environment. */
  context?: string;
  driftInterval?: string;
  logFile: string;
  /** A fixed port (a restart keeps its URL); a free one when absent. */
  port?: number;
  /** A fixed API port; a free one when absent. */
  apiPort?: number;
  extraArgs?: string[];
  /** Node options before the script (e.g. `--cpu-prof`, for a benchmark's profile). */
  nodeArgs?: string[];
}

export interface ServeProcess {
  /** The public listener: /webhook, /healthz. */
  url: string;
  port: number;
  /** The API listener the CLI talks to. */
  apiUrl: string;
  apiPort: number;
  /** The API token serve wrote into its data directory. */
  token: string;
  dataDir: string;
  child: ChildProcess;
  /** SIGTERM (graceful), SIGKILL after `graceMs`; resolves when it exited. */
  stop(graceMs?: number): Promise<void>;
  /** Sends a signal and resolves when the process exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startServe(opts: ServeOptions): Promise<ServeProcess> {
  const port = opts.port ?? (await freePort());
  let apiPort = opts.apiPort ?? (await freePort());
  while (apiPort === port) apiPort = await freePort();
  const args = [
    'serve',
    '--repo',
    opts.repo,
    '--port',
    String(port),
    '--api-port',
    String(apiPort),
    '--webhook-secret-file',
    opts.secretFile,
    '--data-dir',
    opts.dataDir,
    '--kubeconfig',
    opts.kubeconfig,
    '--drift-interval',
    opts.driftInterval ?? '5s',
    '--log-format',
    'json',
    ...(opts.context ? ['--context', opts.context] : []),
    ...(opts.extraArgs ?? []),
  ];
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), SYNCWAVE_BIN, ...args], {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, NO_COLOR: '1' },
  });
  closeSync(fd);
  let spawnError: Error | undefined;
  child.on('error', (err) => {
    spawnError = err;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (spawnError) throw new Error(`cannot start syncwave serve: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `syncwave serve exited (${child.signalCode ?? child.exitCode}) at start; see ${opts.logFile}`,
      );
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`syncwave serve did not answer /healthz within 60 s; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const done = exited(child);
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await done;
  };
  const token = (await readFile(join(opts.dataDir, 'api-token'), 'utf8')).trim();
  return {
    url,
    port,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    apiPort,
    token,
    dataDir: opts.dataDir,
    child,
    kill,
    async stop(graceMs = 35_000) {
      const done = exited(child);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the syncwave CLI (`node bin/syncwave.js ...`). `server` is serve's API URL; `dataDir` is
 * serve's data directory, from which the CLI reads the API token itself (SYNCWAVE_DATA_DIR).
 */
export function runSyncwave(
  args: string[],
  opts: { server?: string; dataDir?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SYNCWAVE_BIN, ...args], {
      cwd: opts.cwd,
      env: {
        ...process.env,
        ...(opts.server ? { SYNCWAVE_SERVER: opts.server } : {}),
        ...(opts.dataDir ? { SYNCWAVE_DATA_DIR: opts.dataDir } : {}),
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}
