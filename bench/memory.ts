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
import { benchCluster } from './support/bench-cluster.ts';
import { type BenchRow, loadAverage, printRows } from './support/bench-row.ts';
import { throughputObjects } from './throughput.ts';

const exec = promisify(execFile);
const MIB = 2 ** 20;

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

/** 25 services, each a Kustomize overlay over its own base: Deployment, Service, ConfigMap. */
async function kustomizeRepo(dir: string, context: string): Promise<void> {
  const apps: string[] = [];
  for (let i = 0; i < 25; i++) {
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
      `  - { name: ${name}, path: apps/${name}, namespace: ${name}, syncPolicy: { syncOptions: [CreateNamespace=true] } }`,
    );
  }
  await write(
    join(dir, 'syncwave.yaml'),
    `environments:\n  bench: { branch: main, cluster: ${context} }\napps:\n${apps.join('\n')}\n`,
  );
}

async function bigAppRepo(dir: string, context: string): Promise<void> {
  const objects = throughputObjects('big', 500).map((o) => {
    const { namespace: _, ...metadata } = o.metadata;
    return { ...o, metadata };
  });
  await write(join(dir, 'apps/big/objects.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  await write(
    join(dir, 'syncwave.yaml'),
    `environments:\n  bench: { branch: main, cluster: ${context} }\napps:\n  - { name: big, path: apps/big, namespace: big, syncPolicy: { syncOptions: [CreateNamespace=true] } }\n`,
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

export async function run(): Promise<BenchRow[]> {
  const bc = await benchCluster('memory');
  try {
    const context = 'bench-memory';
    const kustomize = join(bc.dir, 'kustomize-repo');
    const big = join(bc.dir, 'big-repo');
    await kustomizeRepo(kustomize, context);
    await bigAppRepo(big, context);
    const k = await timedSync(kustomize, bc.cluster.kubeconfigPath, join(bc.dir, 'data-k'));
    const b = await timedSync(big, bc.cluster.kubeconfigPath, join(bc.dir, 'data-b'));
    const noop = await timedSync(big, bc.cluster.kubeconfigPath, join(bc.dir, 'data-b'));
    const kObjects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kc' } },
      ...throughputObjects('kc', 500),
    ];
    const kubectlFirst = await bc.kubectlApply(kObjects, 'kc');
    const kubectlNoop = await bc.kubectlApply(kObjects, 'kc');
    console.log(`\nmemory: whole \`syncwave sync\` processes (${await loadAverage()})`);
    console.log(`  25-service Kustomize repository: ${(k.rss / MIB).toFixed(0)} MiB, ${k.ms.toFixed(0)} ms`);
    console.log(
      `  500 objects, first sync: ${(b.rss / MIB).toFixed(0)} MiB, ${b.ms.toFixed(0)} ms (kubectl ${kubectlFirst.toFixed(0)} ms)`,
    );
    console.log(
      `  500 objects, no-op: ${(noop.rss / MIB).toFixed(0)} MiB, ${noop.ms.toFixed(0)} ms (kubectl ${kubectlNoop.toFixed(0)} ms)`,
    );
    const ratio = b.ms / kubectlFirst;
    const rows: BenchRow[] = [
      {
        name: 'memory/peak-rss-25-service-kustomize',
        value: k.rss / MIB,
        unit: 'MiB',
        target: '< 150 MB',
        met: k.rss < 150e6,
      },
      {
        name: 'memory/peak-rss-500-objects',
        value: b.rss / MIB,
        unit: 'MiB',
        target: '< 150 MB',
        met: b.rss < 150e6,
      },
      {
        name: 'throughput/cli-sync-process-vs-kubectl',
        value: ratio,
        unit: 'x',
        target: '<= 0.75x',
        met: ratio <= 0.75,
      },
    ];
    printRows('memory', rows);
    return rows;
  } finally {
    await bc.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
