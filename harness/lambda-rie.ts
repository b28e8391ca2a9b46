/**
 * A Lambda function run as Lambda runs it, on this machine: the AWS Lambda Runtime Interface
 * Emulator (Go module github.com/aws/aws-lambda-runtime-interface-emulator, built once into
 * ${SYNCWAVE_CACHE:-~/.cache/syncwave}/bin) starts Node 22 with AWS's Node.js runtime interface
 * client (npm `aws-lambda-ric`, the code of the nodejs runtime's /var/runtime; its native part,
 * aws-lambda-cpp and libcurl, is compiled from the package's sources on install, 3-8 minutes here, into
 * ${SYNCWAVE_CACHE}/lambda-ric-<version>), with nodejs22.x's contract and limits:
 *
 *   - the code at /var/task, read-only (a copy of the asset directory `cdk synth` wrote, bind-mounted
 *     read-only in a mount namespace of its own: `unshare -m`);
 *   - a writable /tmp of the function's ephemeral storage size (a tmpfs of that size: a write
 *     past it fails with ENOSPC, as in Lambda);
 *   - the layer's files under /opt, read-only;
 *   - the function's environment variables (from the template), its timeout and memory size
 *     (AWS_LAMBDA_FUNCTION_TIMEOUT, AWS_LAMBDA_FUNCTION_MEMORY_SIZE; the heap limit set from the
 *     memory size as the nodejs runtime's bootstrap does);
 *   - one process kept warm across invocations, as a warm container.
 *
 * Needs root (mount namespaces; /var/task is created on the host, empty, as the mount point), Go,
 * cmake and a C++ compiler (first builds), Node 22 (process.execPath).
 *
 *   const fn = await startLambda({ codeDir, handler: 'index.handler', environment, ... });
 *   const result = await fn.invoke(event);
 *   await fn.tmpUsage();   // bytes used in its /tmp
 *   await fn.stop();
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export const RIE_MODULE = 'github.com/aws/aws-lambda-runtime-interface-emulator';
/** The newest version the Go module proxy serves (the project publishes no tagged releases there). */
export const RIE_VERSION = 'v0.0.0-20261030222936-bef5c4ba774d';
/** npm aws-lambda-ric: the runtime interface client of the nodejs runtimes. */
export const RIC_VERSION = '4.0.2';

function cacheDir(): string {
  return process.env.SYNCWAVE_CACHE || join(homedir(), '.cache', 'syncwave');
}

let built: Promise<string> | undefined;

/** The emulator binary, built with `go install` into the cache on first use (~1.5 min). */
export function ensureRie(): Promise<string> {
  built ??= (async () => {
    const bin = join(cacheDir(), 'bin');
    const target = join(bin, `aws-lambda-rie-${RIE_VERSION}`);
    if (existsSync(target)) return target;
    const gobin = join(bin, `.rie-build-${process.pid}`);
    await mkdir(gobin, { recursive: true });
    const t0 = Date.now();
    process.stderr.write(`[rie] building ${RIE_MODULE}/cmd/aws-lambda-rie@${RIE_VERSION}\n`);
    try {
      await exec(
        'go',
        ['install', '-trimpath', '-ldflags', '-s -w', `${RIE_MODULE}/cmd/aws-lambda-rie@${RIE_VERSION}`],
        {
          cwd: tmpdir(),
          env: {
            ...process.env,
            GOBIN: gobin,
            GOFLAGS: '-mod=mod -buildvcs=false',
            GOTOOLCHAIN: process.env.GOTOOLCHAIN || 'local',
            CGO_ENABLED: '0',
          },
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      await rename(join(gobin, 'aws-lambda-rie'), target);
    } finally {
      await rm(gobin, { recursive: true, force: true });
    }
    process.stderr.write(`[rie] built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return target;
  })();
  built.catch(() => {
    built = undefined;
  });
  return built;
}

let ricBuilt: Promise<string> | undefined;

/** The runtime interface client's entry (index.mjs), installed with npm into the cache on first use. */
export function ensureRic(): Promise<string> {
  ricBuilt ??= (async () => {
    const dir = join(cacheDir(), `lambda-ric-${RIC_VERSION}`);
    const entry = join(dir, 'node_modules', 'aws-lambda-ric', 'index.mjs');
    if (existsSync(join(dir, 'node_modules', 'aws-lambda-ric', 'rapid-client.node'))) return entry;
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    const t0 = Date.now();
    process.stderr.write(
      `[rie] installing aws-lambda-ric@${RIC_VERSION} (native build: 3-8 min on 2 cores)\n`,
    );
    try {
      await exec(
        'npm',
        ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', tmp, `aws-lambda-ric@${RIC_VERSION}`],
        { cwd: tmp, maxBuffer: 64 * 1024 * 1024 },
      );
      if (!existsSync(join(tmp, 'node_modules', 'aws-lambda-ric', 'rapid-client.node')))
        throw new Error('aws-lambda-ric installed without its native part (rapid-client.node)');
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    process.stderr.write(`[rie] aws-lambda-ric installed in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return entry;
  })();
  ricBuilt.catch(() => {
    ricBuilt = undefined;
  });
  return ricBuilt;
}

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

export interface StartLambdaOptions {
  /** The asset directory `cdk synth` wrote for the function (cdk.out/asset.<hash>). */
  codeDir: string;
  /** The template's Handler, e.g. `index.handler`. */
  handler: string;
  /** The function's environment variables (credentials and region included). */
  environment: Record<string, string>;
  functionName: string;
  timeoutSeconds: number;
  memoryMiB: number;
  /** The function's EphemeralStorage size: its /tmp. */
  ephemeralStorageMiB: number;
  /** Layer files: path under /opt -> file on this machine (e.g. `/opt/helm/helm`). */
  layerFiles?: Record<string, string>;
}

export interface InvokeResult {
  /** The handler's result, or `{ errorType, errorMessage }` when it threw. */
  body: unknown;
  ms: number;
}

export interface RunningLambda {
  invoke(event: unknown): Promise<InvokeResult>;
  /** Bytes in use in the function's /tmp (`du -sb`), and the tmpfs size. */
  tmpUsage(): Promise<{ used: number; size: number }>;
  /** Runs a command in the function's mount namespace (what its code sees as /, /tmp, /var/task). */
  run(cmd: string[]): Promise<string>;
  /** What the function printed (stdout and stderr, the emulator's lines included). */
  output(): string;
  stop(): Promise<void>;
}

const sh = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Starts the emulator with the function; the function initialises on the first invoke. */
export async function startLambda(opts: StartLambdaOptions): Promise<RunningLambda> {
  const [rie, ric] = await Promise.all([ensureRie(), ensureRic()]);
  // The code as deployed: a copy of the asset, no write bits, mounted read-only at /var/task.
  const work = await mkdtemp(join(tmpdir(), 'syncwave-lambda-'));
  const code = join(work, 'task');
  await cp(opts.codeDir, code, { recursive: true });
  await stripWriteBits(code);
  await mkdir('/var/task', { recursive: true });
  const [apiPort, invokePort] = await Promise.all([freePort(), freePort()]);
  const mounts = [
    'set -e',
    `mount --bind ${sh(code)} /var/task`,
    'mount -o remount,bind,ro /var/task',
    `mount -t tmpfs -o size=${opts.ephemeralStorageMiB}m,mode=1777 tmpfs /tmp`,
    'mount -t tmpfs -o size=1m,mode=0755 tmpfs /opt',
  ];
  for (const [dest, src] of Object.entries(opts.layerFiles ?? {})) {
    if (!dest.startsWith('/opt/')) throw new Error(`layer file ${dest} is not under /opt`);
    mounts.push(
      `mkdir -p ${sh(dest.slice(0, dest.lastIndexOf('/')))}`,
      `touch ${sh(dest)}`,
      `mount --bind ${sh(src)} ${sh(dest)}`,
      `mount -o remount,bind,ro ${sh(dest)}`,
    );
  }
  mounts.push(
    'mount -o remount,ro /opt',
    'cd /var/task',
    // A heap cap from the memory size, as the nodejs runtime's bootstrap sets one.
    `exec ${sh(rie)} --log-level error --runtime-api-address 127.0.0.1:${apiPort} --runtime-interface-emulator-address 127.0.0.1:${invokePort} ${sh(process.execPath)} --max-old-space-size=${Math.floor(opts.memoryMiB * 0.9)} ${sh(ric)} ${sh(opts.handler)}`,
  );
  const child: ChildProcess = spawn(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', mounts.join('\n')],
    {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: 'C.UTF-8',
        ...opts.environment,
        LAMBDA_TASK_ROOT: '/var/task',
        AWS_LAMBDA_FUNCTION_NAME: opts.functionName,
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(opts.timeoutSeconds),
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(opts.memoryMiB),
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-2_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${invokePort}/2015-03-31/functions/function/invocations`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the emulator exited (${child.exitCode}): ${out}`);
    try {
      await fetch(`http://127.0.0.1:${invokePort}/`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`the emulator did not listen within 30 s: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const inNamespace = async (cmd: string[]): Promise<string> =>
    (await exec('nsenter', ['-t', String(child.pid), '-m', '--', ...cmd])).stdout;
  return {
    async invoke(event) {
      const t0 = Date.now();
      const res = await fetch(url, { method: 'POST', body: JSON.stringify(event) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: returned as text
      }
      return { body, ms: Date.now() - t0 };
    },
    async tmpUsage() {
      const used = Number((await inNamespace(['du', '-sb', '/tmp'])).split('\t')[0]);
      const size = Number(
        (await inNamespace(['df', '-B1', '--output=size', '/tmp'])).trim().split('\n').at(-1),
      );
      return { used, size };
    },
    run: inNamespace,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // gone already
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-(child.pid as number), 'SIGKILL');
          } catch {
            // gone already
          }
        }, 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(work, { recursive: true, force: true, maxRetries: 3 }).catch(async () => {
        await restoreWriteBits(work);
        await rm(work, { recursive: true, force: true });
      });
    },
  };
}

async function stripWriteBits(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await stripWriteBits(path);
    await chmod(path, (await stat(path)).mode & 0o555);
  }
  await chmod(dir, (await stat(dir)).mode & 0o555);
}

async function restoreWriteBits(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await restoreWriteBits(path);
    else await chmod(path, 0o644);
  }
}

// `tsx harness/lambda-rie.ts build`: build/cache emulator and client (scripts/test.ts runs it before vitest).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === 'build') {
  process.stdout.write(`${(await Promise.all([ensureRie(), ensureRic()])).join('\n')}\n`);
}
