// Charts from a Helm chart repository on loopback (harness/chart-repo.ts) and from an OCI
// registry on loopback (the CNCF distribution registry, harness/oci-registry.ts), synced to the
// real control plane: children of an app of apps, and one declared in syncwave.yaml.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChartRepo, startChartRepo } from '../../harness/chart-repo.ts';
import { type OciRegistry, startOciRegistry } from '../../harness/oci-registry.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

const fixtures = fileURLToPath(new URL('../fixtures/render/', import.meta.url));

describe('charts from a Helm repository', () => {
  let t: EngineEnv;
  let chartRepo: ChartRepo;
  let registry: OciRegistry;

  beforeAll(async () => {
    // The repository listens on loopback, which renders may reach only when the operator allows it.
    t = await engineEnv('remotechart', { network: { allow: ['127.0.0.1/32'] } });
    chartRepo = await startChartRepo({ charts: [join(fixtures, 'chart-repo/redis')], tools: t.deps.tools });
    registry = await startOciRegistry({ tools: t.deps.tools });
    await registry.push(join(fixtures, 'chart-repo/redis'), 'charts');
    const config = await readFile(join(t.repo.dir, 'syncwave.yaml'), 'utf8');
    await t.repo.write(
      'syncwave.yaml',
      `${config.slice(0, config.indexOf('apps:'))}apps:
  - name: sessions
    namespace: sessions
    wave: 1
    helm: { chart: redis, repoURL: "${chartRepo.url}", version: 18.1.0, values: { architecture: standalone } }
    syncPolicy: { automated: { prune: true }, syncOptions: [CreateNamespace=true] }
applications: ["argocd/root.yaml"]
`,
    );
    await t.repo.write(
      'argocd/root.yaml',
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: root }\nspec:\n  source: { path: argocd/apps }\n  destination: { namespace: argocd }\n',
    );
    await t.repo.write(
      'argocd/apps/cache.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: cache
  annotations: { argocd.argoproj.io/sync-wave: "0" }
spec:
  source: { repoURL: "${chartRepo.url}", chart: redis, targetRevision: 18.1.0 }
  destination: { namespace: cache }
  syncPolicy: { automated: {}, syncOptions: [CreateNamespace=true] }
`,
    );
    // two sources: the chart from the repository, its values from this repository ($values)
    await t.repo.write(
      'argocd/apps/queue.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: queue
  annotations: { argocd.argoproj.io/sync-wave: "2" }
spec:
  sources:
    - repoURL: "${chartRepo.url}"
      chart: redis
      targetRevision: 18.1.0
      helm: { valueFiles: [values.yaml, $values/envs/queue/values.yaml] }
    - { repoURL: https://git.example.com/acme/gitops.git, targetRevision: HEAD, ref: values }
  destination: { namespace: queue }
  syncPolicy: { automated: {}, syncOptions: [CreateNamespace=true] }
`,
    );
    // from the OCI registry, repoURL written as Argo CD writes registries (no scheme)
    await t.repo.write(
      'argocd/apps/store.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: store
  annotations: { argocd.argoproj.io/sync-wave: "3" }
spec:
  source: { repoURL: "${registry.host}/charts", chart: redis, targetRevision: "18.1.*" }
  destination: { namespace: store }
  syncPolicy: { automated: {}, syncOptions: [CreateNamespace=true] }
`,
    );
    await t.repo.write('envs/queue/values.yaml', 'image: { tag: "7.4.1" }\nauth: { enabled: false }\n');
  });
  afterAll(async () => {
    await chartRepo?.close();
    await registry?.stop();
  });

  it('pulls each chart once and syncs the apps in wave order, values from this repository included', async () => {
    const result = await t.push('charts from a repository');
    expect(result.outcome, result.message).toBe('succeeded');
    expect(result.apps.map((a) => [a.app, a.wave, a.phase])).toEqual([
      ['cache', 0, 'Succeeded'],
      ['sessions', 1, 'Succeeded'],
      ['queue', 2, 'Succeeded'],
      ['store', 3, 'Succeeded'],
    ]);
    const queue = await t.cluster.get('apps/v1', 'StatefulSet', 'queue-redis-master', t.ns('queue'));
    type Spec = { template: { spec: { containers: Array<{ image: string; env: unknown }> } } };
    const container = (queue?.spec as Spec | undefined)?.template.spec.containers[0];
    expect(container?.image).toBe('example/redis:7.4.1');
    expect(container?.env).toEqual([{ name: 'ALLOW_EMPTY_PASSWORD', value: 'yes' }]);
    expect(await t.cluster.get('v1', 'Service', 'cache-redis-headless', t.ns('cache'))).toBeDefined();
    expect(await t.cluster.get('v1', 'Service', 'sessions-redis-headless', t.ns('sessions'))).toBeDefined();
    expect(await t.cluster.get('apps/v1', 'StatefulSet', 'store-redis-master', t.ns('store'))).toBeDefined();
    expect(chartRepo.requests.filter((r) => r === '/redis-18.1.0.tgz')).toHaveLength(1);
    expect(registry.requests().filter((r) => r.startsWith('GET /v2/charts/redis/blobs/'))).toHaveLength(1);
  });
});
