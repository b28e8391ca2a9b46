// ignoreDifferences with jqPathExpressions and managedFieldsManagers, read from an Argo CD
// Application: what they name is neither drift (the scheduled check) nor a difference a sync
// writes back, while every other field still is; with RespectIgnoreDifferences=true a sync that
// writes the object keeps their live values. Against the real control plane.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkDrift, type Environment, type KubeObject, loadRepoConfig } from '../../engine/index.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

async function environment(t: EngineEnv): Promise<Environment> {
  const checkout = await t.deps.source.checkout(await t.repo.head());
  const loaded = await loadRepoConfig(checkout.dir);
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const env = loaded.config.environment(t.env);
  if (!env) throw new Error(`no environment ${t.env}`);
  return env;
}

describe('ignoreDifferences: jqPathExpressions and managedFieldsManagers', () => {
  let t: EngineEnv;
  let ns: string;
  const patch = (spec: Record<string, unknown>, fieldManager: string) =>
    t.cluster.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace: ns },
        spec,
      } as KubeObject,
      { dryRun: false, force: true, fieldManager },
    );
  const containers = (name: string, image: string) => ({
    template: { spec: { containers: [{ name, image }] } },
  });

  beforeAll(async () => {
    t = await engineEnv('ignorediff');
    ns = t.ns('api');
    const config = await readFile(join(t.repo.dir, 'syncwave.yaml'), 'utf8');
    await t.repo.write(
      'syncwave.yaml',
      `${config.slice(0, config.indexOf('apps:'))}applications: ["argocd/*.yaml"]\n`,
    );
    await t.repo.write(
      'argocd/api.yaml',
      stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'api' },
        spec: {
          source: { repoURL: 'https://git.example.com/acme/gitops.git', path: 'api' },
          destination: { namespace: 'api' },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['CreateNamespace=true', 'RespectIgnoreDifferences=true'],
          },
          ignoreDifferences: [
            {
              group: 'apps',
              kind: 'Deployment',
              jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "sidecar") | .image'],
              managedFieldsManagers: ['autoscaler'],
            },
          ],
        },
      }),
    );
    await t.repo.write(
      'api/deployment.yaml',
      stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'api' } },
          template: {
            metadata: { labels: { app: 'api' } },
            spec: {
              containers: [
                { name: 'api', image: 'example/api:1' },
                { name: 'sidecar', image: 'example/sidecar:1' },
              ],
            },
          },
        },
      }),
    );
    const first = await t.push('api');
    expect(first.outcome, first.message).toBe('succeeded');
  });

  it('a sidecar image another manager changed (jq) and replicas an autoscaler owns are no drift, and a sync leaves them', async () => {
    await patch(containers('sidecar', 'example/sidecar:2'), 'injector');
    await patch({ replicas: 4 }, 'autoscaler');
    const report = await checkDrift(await environment(t), t.deps, { repo: 'example/gitops' });
    expect(report.drifted).toEqual([]);
    expect(report.jobs).toEqual([]);

    const result = await t.run({ reason: 'manual', apps: ['api'] });
    expect(result.outcome, result.message).toBe('succeeded');
    const api = result.apps.find((a) => a.app === 'api');
    expect(api?.resources.find((r) => r.kind === 'Deployment')).toMatchObject({ action: 'unchanged' });
    const live = await t.cluster.get('apps/v1', 'Deployment', 'api', ns);
    expect(live?.spec).toMatchObject({
      replicas: 4,
      template: { spec: { containers: [{ image: 'example/api:1' }, { image: 'example/sidecar:2' }] } },
    });
  });

  it('a field no rule names is still drift and is healed; with RespectIgnoreDifferences the ignored ones keep their live values', async () => {
    await patch(containers('api', 'example/api:hotfix'), 'kubectl-edit');
    const report = await checkDrift(await environment(t), t.deps, { repo: 'example/gitops' });
    expect(report.drifted).toEqual([
      {
        app: 'api',
        objects: [expect.objectContaining({ paths: ['spec.template.spec.containers[0].image'] })],
      },
    ]);
    const healed = await t.run({ reason: 'self-heal', apps: ['api'] });
    expect(healed.outcome, healed.message).toBe('succeeded');
    const live = await t.cluster.get('apps/v1', 'Deployment', 'api', ns);
    expect(live?.spec).toMatchObject({
      replicas: 4,
      template: { spec: { containers: [{ image: 'example/api:1' }, { image: 'example/sidecar:2' }] } },
    });
  });
});
