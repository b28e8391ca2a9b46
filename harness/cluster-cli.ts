// `tsx harness/cluster-cli.ts start|stop|status|build`
//
//   start   build the binaries if needed, run the control plane in the background (a detached
//           daemon, pid in .syncwave/cluster.pid), write the admin kubeconfig to
//           .syncwave/kubeconfig and return once the cluster is usable.
//   stop    stop the daemon and every component.
//   status  print whether it runs and where.
//   build   only build/cache the binaries.
//
// Work files (etcd data, certificates, logs) live in .syncwave/cluster/ and are wiped on start.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureClusterBinaries, REPO_ROOT, startCluster } from './cluster.js';

const STATE = join(REPO_ROOT, '.syncwave');
const PID_FILE = join(STATE, 'cluster.pid');
const KUBECONFIG = join(STATE, 'kubeconfig');
const WORK = join(STATE, 'cluster');
const DAEMON_LOG = join(STATE, 'cluster-daemon.log');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readPid(): Promise<number | undefined> {
  if (!existsSync(PID_FILE)) return undefined;
  const pid = Number.parseInt(await readFile(PID_FILE, 'utf8'), 10);
  return Number.isFinite(pid) && alive(pid) ? pid : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(): Promise<void> {
  const running = await readPid();
  if (running) {
    console.log(`cluster already running (pid ${running}); KUBECONFIG=${KUBECONFIG}`);
    return;
  }
  // Build in the foreground so progress is visible; the daemon then starts fast.
  await ensureClusterBinaries();
  await mkdir(STATE, { recursive: true });
  await rm(WORK, { recursive: true, force: true });
  await rm(KUBECONFIG, { force: true });
  const ready = join(STATE, 'cluster.ready');
  await rm(ready, { force: true });

  const fd = openSync(DAEMON_LOG, 'w');
  const self = fileURLToPath(import.meta.url);
  const daemon = spawn(process.execPath, [...process.execArgv, self, 'daemon'], {
    detached: true,
    stdio: ['ignore', fd, fd],
    cwd: REPO_ROOT,
  });
  closeSync(fd);
  if (daemon.pid === undefined) throw new Error('could not start the cluster daemon');
  await writeFile(PID_FILE, `${daemon.pid}\n`);
  daemon.unref();

  const deadline = Date.now() + 180_000;
  while (!existsSync(ready)) {
    if (!alive(daemon.pid)) {
      await rm(PID_FILE, { force: true });
      throw new Error(`cluster daemon exited; see ${DAEMON_LOG}:\n${await readFile(DAEMON_LOG, 'utf8')}`);
    }
    if (Date.now() > deadline) throw new Error(`cluster not ready after 180 s; see ${DAEMON_LOG}`);
    await sleep(200);
  }
  console.log(await readFile(ready, 'utf8'));
  console.log(`export KUBECONFIG=${KUBECONFIG}`);
}

async function daemon(): Promise<void> {
  const cluster = await startCluster({ dir: WORK, name: 'syncwave-local' });
  await copyFile(cluster.kubeconfigPath, KUBECONFIG);
  await writeFile(
    join(STATE, 'cluster.ready'),
    `cluster ready in ${(cluster.startMs / 1000).toFixed(1)} s: ${cluster.server} (pid ${process.pid}, logs in ${join(WORK, 'logs')})`,
  );
  const shutdown = async (): Promise<void> => {
    await cluster.stop();
    await rm(join(STATE, 'cluster.ready'), { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  // Keep the event loop alive until signalled.
  setInterval(() => {}, 1 << 30);
}

async function stop(): Promise<void> {
  const pid = await readPid();
  if (!pid) {
    console.log('cluster not running');
    await rm(PID_FILE, { force: true });
    return;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) {
    process.kill(pid, 'SIGKILL');
    // The components are in their own process groups: kill those too.
    const pidsFile = join(WORK, 'pids.json');
    if (existsSync(pidsFile)) {
      const pids = JSON.parse(await readFile(pidsFile, 'utf8')) as Record<string, number>;
      for (const p of Object.values(pids)) {
        try {
          process.kill(-p, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  }
  await rm(PID_FILE, { force: true });
  await rm(join(STATE, 'cluster.ready'), { force: true });
  console.log('cluster stopped');
}

async function status(): Promise<void> {
  const pid = await readPid();
  if (pid && existsSync(join(STATE, 'cluster.ready'))) {
    console.log(await readFile(join(STATE, 'cluster.ready'), 'utf8'));
    console.log(`export KUBECONFIG=${KUBECONFIG}`);
  } else {
    console.log('cluster not running');
    process.exitCode = 1;
  }
}

const cmd = process.argv[2];
const commands: Record<string, () => Promise<void>> = {
  start,
  stop,
  status,
  daemon,
  build: async () => {
    console.log(JSON.stringify(await ensureClusterBinaries(), null, 2));
  },
};
const fn = cmd ? commands[cmd] : undefined;
if (!fn) {
  console.error('usage: tsx harness/cluster-cli.ts start|stop|status|build');
  process.exit(2);
}
fn().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
