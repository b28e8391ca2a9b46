// Charts from a Helm chart repository on loopback (harness/chart-repo.ts) and from an OCI
// registry on loopback (the CNCF distribution registry, harness/oci-registry.ts), synced to the
// real control plane: children of an app-of-apps Helm chart whose values choose them, a
// two-source Application, and one declared in syncwave.yaml.
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
applications: ["argocd/root.yaml", "argocd/queue.yaml"]
`,
    );
    // The root is a Helm chart whose values choose the children, as in Argo CD's apps/ pattern;
    // the repository URLs (ports chosen at run time) come in through the root's valuesObject.
    await t.repo.write(
      'argocd/root.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: root }
spec:
  source:
    path: argocd/apps
    helm:
      valuesObject: { repositories: { charts: "${chartRepo.url}", oci: "${registry.host}/charts" } }
  destination: { namespace: argocd }
`,
    );
    await t.repo.write('argocd/apps/Chart.yaml', 'apiVersion: v2\nname: apps\nversion: 0.1.0\n');
    await t.repo.write(
      'argocd/apps/values.yaml',
      `repositories: {}
apps:
  cache: { enabled: true, wave: 0, from: charts, chart: redis, version: 18.1.0 }
  # from the OCI registry, repoURL written as Argo CD writes registries (no scheme), a range
  store: { enabled: true, wave: 3, from: oci, chart: redis, version: "18.1.*" }
  spare: { enabled: false, wave: 4, from: charts, chart: redis, version: 18.1.0 }
`,
    );
    await t.repo.write(
      'argocd/apps/templates/applications.yaml',
      `{{- range $name, $app := .Values.apps }}
{{- if $app.enabled }}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ $name }}
  annotations: { argocd.argoproj.io/sync-wave: "{{ $app.wave }}" }
spec:
  source:
    repoURL: {{ index $.Values.repositories $app.from | quote }}
    chart: {{ $app.chart }}
    targetRevision: {{ $app.version | quote }}
  destination: { namespace: {{ $name }} }
  syncPolicy: { automated: {}, syncOptions: [CreateNamespace=true] }
{{- end }}
{{- end }}
`,
    );
    // two sources: the chart from the repository, its values from this repository ($values)
    await t.repo.write(
      'argocd/queue.yaml',
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
    expect(result.apps.flatMap((a) => a.resources).some((r) => r.kind === 'Application')).toBe(false);
    expect(await t.state.getApp(t.env, 'root')).toBeUndefined();
    expect(await t.state.getApp(t.env, 'spare')).toBeUndefined();
  });
});
