/**
 * An AWS API emulator on loopback for tests: moto's server (PyPI `moto[server]`) as a child
 * process. SQS, DynamoDB, S3, Secrets Manager, STS and EKS answer on one endpoint.
 *
 *   const aws = await startAwsEmulator();
 *   new SQSClient(aws.clientConfig);
 *   await aws.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface AwsEmulator {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  region: string;
  /** Spread into any AWS SDK v3 client's constructor. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    forcePathStyle: true;
  };
  /** Drops all emulated state (moto's reset API). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartAwsEmulatorOptions {
  /** The moto_server executable; MOTO_SERVER or `moto_server` on PATH when absent. */
  command?: string;
  region?: string;
  /** How long to wait for the server to answer. */
  startTimeoutMs?: number;
}

const INSTALL_HINT = "install it with: pip install 'moto[server]'";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto_server exited with code ${child.exitCode} before answering: ${log()}`);
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms: ${log()}`);
}

export async function startAwsEmulator(opts: StartAwsEmulatorOptions = {}): Promise<AwsEmulator> {
  const command = opts.command ?? process.env.MOTO_SERVER ?? 'moto_server';
  const region = opts.region ?? 'us-east-1';
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true' },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) =>
      reject(new Error(`cannot start ${command}: ${err.message}; ${INSTALL_HINT}`)),
    ),
  );
  try {
    await Promise.race([
      waitUntilUp(endpoint, child, opts.startTimeoutMs ?? 30_000, () => output),
      spawnError,
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    endpoint,
    region,
    clientConfig: {
      endpoint,
      region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      forcePathStyle: true,
    },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
