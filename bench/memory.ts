/**
 * Memory (issue 13, item 6): peak RSS of the whole `syncwave sync` process (GNU time's maximum
 * resident set) for a 25-service Kustomize repository of our own making, and for one app of the
 * 500 objects of bench/throughput.ts; the latter's wall time beside `kubectl apply --server-side`
 * of the same objects, in the same run.
 *
 *   npx tsx bench/memory.ts
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { SYNCWAVE_BIN } from '../scripts/demo/serve-process.ts';
import { type BenchResult, result, resultTable } from './bench-result.ts';
import { benchCluster } from './support/bench-cluster.ts';
import { loadAverage, nameSuffix } from './support/stats.ts';
import { throughputObjects } from './throughput.ts';

const exec = promisify(execFile);
const MIB = 2 ** 20;

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

/** 25 services, each a Kustomize overlay over its own base: Deployment, Service, ConfigMap. */
async function kustomizeRepo(
  dir: string,
  o: { context: string; count: number; suffix: string },
): Promise<void> {
  const apps: string[] = [];
  for (let i = 0; i < o.count; i++) {
    const name = `svc-${String(i).padStart(2, '0')}`;
    const labels = { app: name };
    const base = join(dir, 'apps', name, 'base');
    await write(
      join(base, 'resources.yaml'),
      [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name },
          spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: {
                containers: [
                  { name, image: `registry.example/${name}:1.0.0`, envFrom: [{ configMapRef: { name } }] },
                ],
              },
            },
          },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name },
          spec: { selector: labels, ports: [{ port: 80 }] },
        },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name },
          data: { LOG_LEVEL: 'info', SERVICE: name },
        },
      ]
        .map((o) => stringify(o))
        .join('---\n'),
    );
    await write(join(base, 'kustomization.yaml'), stringify({ resources: ['resources.yaml'] }));
    await write(
      join(dir, 'apps', name, 'kustomization.yaml'),
      stringify({
        resources: ['base'],
        commonLabels: { team: 'bench' },
        images: [{ name: `registry.example/${name}`, newTag: '1.0.1' }],
      }),
    );
    apps.push(
      `  - { name: ${name}, path: apps/${name}, namespace: ${name}${o.suffix}, syncPolicy: { syncOptions: [CreateNamespace=true] } }`,
    );
  }
  await write(
    join(dir, 'syncwave.yaml'),
    `environments:\n  bench: { branch: main, cluster: ${o.context} }\napps:\n${apps.join('\n')}\n`,
  );
}

async function bigAppRepo(dir: string, o: { context: string; count: number; suffix: string }): Promise<void> {
  const objects = throughputObjects('big', o.count).map((o) => {
    const { namespace: _, ...metadata } = o.metadata;
    return { ...o, metadata };
  });
  await write(join(dir, 'apps/big/objects.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  await write(
    join(dir, 'syncwave.yaml'),
    `environments:\n  bench: { branch: main, cluster: ${o.context} }\napps:\n  - { name: big, path: apps/big, namespace: big${o.suffix}, syncPolicy: { syncOptions: [CreateNamespace=true] } }\n`,
  );
}

/** `syncwave sync` of a plain directory as a process under GNU time: wall ms and peak RSS bytes. */
async function timedSync(
  repo: string,
  kubeconfig: string,
  dataDir: string,
): Promise<{ ms: number; rss: number }> {
  const { stderr } = await exec(
    '/usr/bin/time',
    [
      '-f',
      'BENCH %M %e',
      process.execPath,
      SYNCWAVE_BIN,
      'sync',
      '--repo',
      repo,
      '--env',
      'bench',
      '--kubeconfig',
      kubeconfig,
      '--data-dir',
      dataDir,
    ],
    { maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } },
  );
  const m = /BENCH (\d+) ([\d.]+)/.exec(stderr);
  if (!m) throw new Error(`no measurement from /usr/bin/time: ${stderr.slice(-500)}`);
  return { rss: Number(m[1]) * 1024, ms: Number(m[2]) * 1000 };
}

export async function run(opts: { smoke?: boolean; kubeconfig?: string } = {}): Promise<BenchResult[]> {
  const bc = await benchCluster('memory', { kubeconfig: opts.kubeconfig });
  const sfx = nameSuffix(bc.shared);
  const services = opts.smoke ? 2 : 25;
  const objects = opts.smoke ? 12 : 500;
  try {
    const context = bc.context;
    bc.track(
      `big${sfx}`,
      `kc${sfx}`,
      ...Array.from({ length: services }, (_, i) => `svc-${String(i).padStart(2, '0')}${sfx}`),
    );
    const kustomize = join(bc.dir, 'kustomize-repo');
    const big = join(bc.dir, 'big-repo');
    await kustomizeRepo(kustomize, { context, count: services, suffix: sfx });
    await bigAppRepo(big, { context, count: objects, suffix: sfx });
    const k = await timedSync(kustomize, bc.kubeconfigPath, join(bc.dir, 'data-k'));
    const b = await timedSync(big, bc.kubeconfigPath, join(bc.dir, 'data-b'));
    const noop = await timedSync(big, bc.kubeconfigPath, join(bc.dir, 'data-b'));
    const kObjects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `kc${sfx}` } },
      ...throughputObjects(`kc${sfx}`, objects),
    ];
    const kubectlFirst = await bc.kubectlApply(kObjects, 'kc');
    const kubectlNoop = await bc.kubectlApply(kObjects, 'kc-noop');
    const how = `whole syncwave sync process, GNU time max RSS; ${await loadAverage()}`;
    const mib = (b: number) => Math.round(b / MIB);
    return [
      result(
        'memory/25-service-kustomize',
        mib(k.rss),
        'MiB',
        { op: '<', value: 143 },
        `${services} Kustomize services, ${Math.round(k.ms)} ms; ${how} (target 150 MB = 143 MiB)`,
      ),
      result(
        'memory/500-objects',
        mib(b.rss),
        'MiB',
        { op: '<', value: 143 },
        `${objects} objects first sync, ${Math.round(b.ms)} ms; ${how}`,
      ),
      result(
        'memory/500-objects-no-op',
        mib(noop.rss),
        'MiB',
        undefined,
        `no-op re-sync, ${Math.round(noop.ms)} ms`,
      ),
      result(
        'throughput/cli-process',
        Math.round((b.ms / kubectlFirst) * 100) / 100,
        'x kubectl',
        { op: '<=', value: 0.75 },
        `syncwave sync (whole process) ${Math.round(b.ms)} ms vs kubectl apply --server-side ${Math.round(kubectlFirst)} ms, ${objects} objects`,
      ),
      result(
        'no-op/cli-process',
        Math.round((noop.ms / kubectlNoop) * 100) / 100,
        'x kubectl',
        undefined,
        `syncwave sync no-op (whole process) ${Math.round(noop.ms)} ms vs kubectl ${Math.round(kubectlNoop)} ms`,
      ),
    ];
  } finally {
    await bc.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(resultTable(await run()));
