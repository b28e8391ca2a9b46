// A real Kubernetes control plane on loopback for tests, benchmarks and the demo.
//
// Components (one process each, all children of this process, each in its own process group):
//   etcd (embedded, from tools/cluster), kube-apiserver, kube-controller-manager, kube-scheduler
//   (k8s.io/kubernetes v1.36, same busybox binary `syncwave-cluster`), and kwok as the fake kubelet
//   for one fake node (tools/cluster/kwok-stages.yaml says how pods behave).
//
// Binaries are built from source with the local Go toolchain on first use and cached in
// ${SYNCWAVE_CACHE:-~/.cache/syncwave}/bin, keyed by version and a hash of tools/cluster sources.
// No client library is imported here: the launcher talks to the API server with node:https.

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Kubernetes version built into syncwave-cluster (k8s.io/kubernetes in tools/cluster/go.mod). */
export const KUBERNETES_VERSION = 'v1.36.3';
/** kwok version installed with `go install sigs.k8s.io/kwok/cmd/kwok@…`. */
export const KWOK_VERSION = 'v0.8.0';

const FAKE_NODE = 'kwok-node-0';
const TOOLS_DIR = fileURLToPath(new URL('../tools/cluster/', import.meta.url));
/** The repository root (the parent of harness/). */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface ClusterBinaries {
  /** busybox binary: `syncwave-cluster etcd|kube-apiserver|kube-controller-manager|kube-scheduler`. */
  cluster: string;
  kwok: string;
  /** kwok Stage definitions (the fake kubelet's behaviour). */
  stages: string;
}

export interface StartClusterOptions {
  /** Working directory: etcd data, certificates, kubeconfigs, component logs. Created if missing. */
  dir: string;
  /** Name for the kubeconfig cluster/context (default `syncwave-local`). */
  name?: string;
}

export interface RunningCluster {
  /** Admin kubeconfig (static bearer token in system:masters, CA of the API server). */
  kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** Admin bearer token (also in the kubeconfig). */
  token: string;
  /** PEM file with the API server's CA (also in the kubeconfig). */
  caFile: string;
  /** Name of the fake (kwok) node pods are scheduled to. */
  nodeName: string;
  /** Milliseconds from the call to a usable cluster (binaries were already built). */
  startMs: number;
  /** Stop every component (SIGTERM to each process group, SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

function log(msg: string): void {
  process.stderr.write(`[cluster] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// Binaries

export function cacheDir(): string {
  return process.env.SYNCWAVE_CACHE || join(homedir(), '.cache', 'syncwave');
}

/** Hash of everything that goes into syncwave-cluster: go.mod, go.sum, *.go, stub go.mods. */
function sourceHash(): string {
  const h = createHash('sha256');
  const files = readdirSync(TOOLS_DIR)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort()
    .map((f) => join(TOOLS_DIR, f));
  const stubs = join(TOOLS_DIR, 'stub');
  if (existsSync(stubs)) {
    for (const d of readdirSync(stubs).sort()) files.push(join(stubs, d, 'go.mod'));
  }
  for (const f of files) {
    h.update(f.slice(TOOLS_DIR.length));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 12);
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

function goEnv(): NodeJS.ProcessEnv {
  // Use the installed toolchain; never download one. GOCACHE/GOMODCACHE stay at Go's defaults.
  return { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN || 'local', CGO_ENABLED: '0' };
}

async function buildClusterBinary(target: string): Promise<void> {
  const minor = KUBERNETES_VERSION.split('.')[1] ?? '';
  const vars = { gitVersion: KUBERNETES_VERSION, gitMajor: '1', gitMinor: minor };
  const ldflags = ['-s', '-w'];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    for (const [k, v] of Object.entries(vars)) ldflags.push(`-X ${pkg}.${k}=${v}`);
  }
  const tmp = `${target}.tmp-${process.pid}`;
  const t0 = Date.now();
  log(`building syncwave-cluster ${KUBERNETES_VERSION} -> ${target} (cold: ~10+ min on 2 cores)`);
  const ticker = setInterval(
    () => log(`still building syncwave-cluster (${Math.round((Date.now() - t0) / 1000)} s)`),
    60_000,
  );
  try {
    await run('go', ['build', '-trimpath', '-ldflags', ldflags.join(' '), '-o', tmp, '.'], {
      cwd: TOOLS_DIR,
      env: goEnv(),
    });
  } finally {
    clearInterval(ticker);
  }
  await rename(tmp, target);
  // Drop binaries of older sources (125 MB each) not touched for a day.
  for (const f of readdirSync(dirname(target))) {
    const p = join(dirname(target), f);
    if (f.startsWith('syncwave-cluster-') && p !== target && Date.now() - statSync(p).mtimeMs > 86_400_000) {
      await rm(p, { force: true });
    }
  }
  log(`built syncwave-cluster in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function buildKwok(target: string): Promise<void> {
  const gobin = join(dirname(target), `.kwok-build-${process.pid}`);
  await mkdir(gobin, { recursive: true });
  const t0 = Date.now();
  log(`building kwok ${KWOK_VERSION} -> ${target}`);
  try {
    // `go install pkg@version` builds kwok in its own module: its k8s deps never meet ours.
    await run(
      'go',
      ['install', '-trimpath', '-ldflags', '-s -w', `sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}`],
      {
        cwd: tmpdir(),
        env: { ...goEnv(), GOBIN: gobin, GOFLAGS: '-buildvcs=false' },
      },
    );
    await rename(join(gobin, 'kwok'), target);
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
  log(`built kwok in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

let binariesPromise: Promise<ClusterBinaries> | undefined;

/** Paths of the control-plane binaries, building whichever is missing (progress on stderr). */
export function ensureClusterBinaries(): Promise<ClusterBinaries> {
  binariesPromise ??= (async () => {
    const bin = join(cacheDir(), 'bin');
    await mkdir(bin, { recursive: true });
    const cluster = join(bin, `syncwave-cluster-${KUBERNETES_VERSION}-${sourceHash()}`);
    const kwok = join(bin, `kwok-${KWOK_VERSION}`);
    // Sequential on purpose: each build already uses every core.
    if (!existsSync(cluster)) await buildClusterBinary(cluster);
    if (!existsSync(kwok)) await buildKwok(kwok);
    return { cluster, kwok, stages: join(TOOLS_DIR, 'kwok-stages.yaml') };
  })();
  binariesPromise.catch(() => {
    binariesPromise = undefined;
  });
  return binariesPromise;
}

// ---------------------------------------------------------------------------------------------
// Processes

const live = new Set<ChildProcess>();
let exitHooksInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const c of live) killGroup(c, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      for (const c of live) killGroup(c, 'SIGKILL');
      live.clear();
      // Only decide the exit if nobody else listens for this signal.
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, handler);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, handler);
  }
}

function startProcess(name: string, cmd: string, args: string[], dir: string): ChildProcess {
  const logFile = join(dir, 'logs', `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, {
    cwd: dir,
    // Own process group, so stop() can kill it and anything it starts.
    detached: true,
    stdio: ['ignore', fd, fd],
    // SYNCWAVE_PARENT_PID: syncwave-cluster asks the kernel to kill it when we die (PR_SET_PDEATHSIG).
    env: { ...process.env, KUBECONFIG: '', SYNCWAVE_PARENT_PID: String(process.pid) },
  });
  closeSync(fd);
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

async function stopProcesses(children: ChildProcess[]): Promise<void> {
  const exited = children.map(
    (c) =>
      new Promise<void>((r) => {
        if (c.exitCode !== null || c.signalCode !== null) r();
        else c.once('exit', () => r());
      }),
  );
  // Reverse start order: clients first, etcd last.
  for (const c of [...children].reverse()) killGroup(c, 'SIGTERM');
  const timer = setTimeout(() => {
    for (const c of children) killGroup(c, 'SIGKILL');
  }, 5000);
  await Promise.all(exited);
  clearTimeout(timer);
  for (const c of children) live.delete(c);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

interface Resp {
  status: number;
  body: string;
}

interface ApiClient {
  server: string;
  token: string;
  ca?: string;
}

function apiRequest(api: ApiClient, method: string, path: string, body?: unknown): Promise<Resp> {
  return new Promise((resolvePromise, reject) => {
    const url = new URL(path, api.server);
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = httpsRequest(
      url,
      {
        method,
        ca: api.ca,
        rejectUnauthorized: api.ca !== undefined,
        headers: {
          ...(api.token ? { authorization: `Bearer ${api.token}` } : {}),
          accept: 'application/json',
          ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}),
        },
        timeout: 5000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

function httpGet(url: string): Promise<Resp> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest(url, { timeout: 2000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll until check() is true; fail early if a watched process dies. */
async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  watched: { name: string; child: ChildProcess; logFile: string }[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    for (const w of watched) {
      if (w.child.exitCode !== null || w.child.signalCode !== null) {
        throw new Error(
          `${w.name} exited (${w.child.signalCode ?? w.child.exitCode}) while waiting for ${what}; ` +
            `log tail (${w.logFile}):\n${tail(w.logFile)}`,
        );
      }
    }
    try {
      if (await check()) return;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`,
      );
    }
    await sleep(100);
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function kubeconfigYaml(o: {
  name: string;
  server: string;
  caData: string;
  user: string;
  token: string;
}): string {
  // JSON is valid YAML; every kubeconfig reader accepts it.
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: o.name, cluster: { server: o.server, 'certificate-authority-data': o.caData } }],
      users: [{ name: o.user, user: { token: o.token } }],
      contexts: [{ name: o.name, context: { cluster: o.name, user: o.user, namespace: 'default' } }],
      'current-context': o.name,
      preferences: {},
    },
    null,
    2,
  )}\n`;
}

// ---------------------------------------------------------------------------------------------
// The cluster

/** Start etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on loopback. */
export async function startCluster(opts: StartClusterOptions): Promise<RunningCluster> {
  const bins = await ensureClusterBinaries();
  const t0 = Date.now();
  const name = opts.name ?? 'syncwave-local';
  const dir = resolve(opts.dir);
  const pki = join(dir, 'pki');
  await mkdir(join(dir, 'logs'), { recursive: true });
  await mkdir(pki, { recursive: true });
  installExitHooks();

  const [etcdPort, etcdPeerPort, apiPort, kwokPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const server = `https://127.0.0.1:${apiPort}`;

  // Credentials: static tokens (admin + one per component, all in system:masters: a test
  // cluster), a service-account signing key pair. Serving certs are self-generated by the
  // API server into --cert-dir (a CA plus a cert for localhost/127.0.0.1).
  const token = randomBytes(24).toString('hex');
  const componentTokens = {
    'kube-controller-manager': randomBytes(24).toString('hex'),
    'kube-scheduler': randomBytes(24).toString('hex'),
    kwok: randomBytes(24).toString('hex'),
  };
  const tokenLines = [`${token},admin,admin,"system:masters"`];
  for (const [c, t] of Object.entries(componentTokens))
    tokenLines.push(`${t},system:${c},${c},"system:masters"`);
  const tokenFile = join(pki, 'tokens.csv');
  await writeFile(tokenFile, `${tokenLines.join('\n')}\n`, { mode: 0o600 });
  const sa = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const saKey = join(pki, 'sa.key');
  const saPub = join(pki, 'sa.pub');
  await writeFile(saKey, sa.privateKey, { mode: 0o600 });
  await writeFile(saPub, sa.publicKey);

  const children: ChildProcess[] = [];
  const watched: { name: string; child: ChildProcess; logFile: string }[] = [];
  const launch = (comp: string, cmd: string, args: string[]): ChildProcess => {
    const child = startProcess(comp, cmd, args, dir);
    children.push(child);
    watched.push({ name: comp, child, logFile: join(dir, 'logs', `${comp}.log`) });
    return child;
  };
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= stopProcesses(children);
    return stopped;
  };

  try {
    launch('etcd', bins.cluster, [
      'etcd',
      `--data-dir=${join(dir, 'etcd')}`,
      `--client-port=${etcdPort}`,
      `--peer-port=${etcdPeerPort}`,
    ]);
    await waitFor(
      'etcd /health',
      30_000,
      async () => (await httpGet(`http://127.0.0.1:${etcdPort}/health`)).status === 200,
      watched,
    );
    const tEtcd = Date.now();

    launch('kube-apiserver', bins.cluster, [
      'kube-apiserver',
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${pki}`,
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--allow-privileged=true',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=1',
    ]);
    const api: ApiClient = { server, token };
    await waitFor(
      'kube-apiserver /readyz',
      60_000,
      async () => (await apiRequest(api, 'GET', '/readyz')).status === 200,
      watched,
    );
    const tApi = Date.now();

    const caFile = join(pki, 'apiserver.crt');
    const caPem = await readFile(caFile, 'utf8');
    api.ca = caPem;
    const caData = Buffer.from(caPem).toString('base64');
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfigYaml({ name, server, caData, user: 'admin', token }), {
      mode: 0o600,
    });
    const componentKubeconfig = async (comp: keyof typeof componentTokens): Promise<string> => {
      const p = join(pki, `${comp}.kubeconfig`);
      await writeFile(
        p,
        kubeconfigYaml({ name, server, caData, user: `system:${comp}`, token: componentTokens[comp] }),
        { mode: 0o600 },
      );
      return p;
    };

    // The fake node kwok manages. Created before kwok starts so it is picked up at once.
    const nodeResp = await apiRequest(api, 'POST', '/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: FAKE_NODE,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          type: 'kwok',
          'kubernetes.io/hostname': FAKE_NODE,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node-role.kubernetes.io/agent': '',
        },
      },
      spec: {},
    });
    if (nodeResp.status !== 201 && nodeResp.status !== 409) {
      throw new Error(`creating node ${FAKE_NODE}: ${nodeResp.status} ${nodeResp.body}`);
    }

    launch('kube-controller-manager', bins.cluster, [
      'kube-controller-manager',
      `--kubeconfig=${await componentKubeconfig('kube-controller-manager')}`,
      '--leader-elect=false',
      '--secure-port=0',
      `--service-account-private-key-file=${saKey}`,
      `--root-ca-file=${caFile}`,
      '--use-service-account-credentials=false',
      '--profiling=false',
      '--v=1',
    ]);
    launch('kube-scheduler', bins.cluster, [
      'kube-scheduler',
      `--kubeconfig=${await componentKubeconfig('kube-scheduler')}`,
      '--leader-elect=false',
      '--secure-port=0',
      '--profiling=false',
      '--v=1',
    ]);
    // Through `syncwave-cluster exec` so kwok, too, dies with this process (PR_SET_PDEATHSIG).
    launch('kwok', bins.cluster, [
      'exec',
      bins.kwok,
      `--kubeconfig=${await componentKubeconfig('kwok')}`,
      `--config=${bins.stages}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--node-ip=10.0.0.1',
      '--cidr=10.244.0.0/16',
      '--node-lease-duration-seconds=40',
      `--server-address=127.0.0.1:${kwokPort}`,
    ]);

    const getJson = async (path: string): Promise<Record<string, unknown> | undefined> => {
      const r = await apiRequest(api, 'GET', path);
      return r.status === 200 ? (JSON.parse(r.body) as Record<string, unknown>) : undefined;
    };
    await Promise.all([
      waitFor(
        'the default ServiceAccount',
        60_000,
        async () => (await getJson('/api/v1/namespaces/default/serviceaccounts/default')) !== undefined,
        watched,
      ),
      waitFor(
        `node ${FAKE_NODE} Ready and schedulable`,
        60_000,
        async () => {
          const node = (await getJson(`/api/v1/nodes/${FAKE_NODE}`)) as
            | {
                spec?: { taints?: { key: string }[] };
                status?: { conditions?: { type: string; status: string }[] };
              }
            | undefined;
          const ready = node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
          const tainted = node?.spec?.taints?.some((t) => t.key.startsWith('node.kubernetes.io/'));
          return Boolean(ready) && !tainted;
        },
        watched,
      ),
    ]);
    const startMs = Date.now() - t0;
    log(
      `ready in ${(startMs / 1000).toFixed(1)} s (etcd ${((tEtcd - t0) / 1000).toFixed(1)} s, ` +
        `apiserver ${((tApi - tEtcd) / 1000).toFixed(1)} s, rest ${((Date.now() - tApi) / 1000).toFixed(1)} s): ` +
        `${server}, KUBECONFIG=${kubeconfigPath}`,
    );
    await writeFile(
      join(dir, 'pids.json'),
      `${JSON.stringify(Object.fromEntries(watched.map((w) => [w.name, w.child.pid])), null, 2)}\n`,
    );
    await chmod(kubeconfigPath, 0o600);
    return { kubeconfigPath, server, token, caFile, nodeName: FAKE_NODE, startMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
