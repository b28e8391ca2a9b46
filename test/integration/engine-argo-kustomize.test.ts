// An Argo CD Application whose spec.source.kustomize edits a Kustomization before it is built
// (images, namePrefix, nameSuffix, commonLabels, commonAnnotations, namespace, patches,
// replicas, components), synced to the real control plane; a component that leaves the
// repository fails the render and changes nothing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

function application(kustomize: Record<string, unknown>): string {
  return stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'shop' },
    spec: {
      source: { repoURL: 'https://git.example.com/acme/gitops.git', path: 'shop/overlay', kustomize },
      destination: { namespace: 'shop' },
      syncPolicy: { automated: { prune: true }, syncOptions: ['CreateNamespace=true'] },
    },
  });
}

describe('Application spec.source.kustomize', () => {
  let t: EngineEnv;
  let ns: string;
  const fields = () => ({
    namePrefix: 'eu-',
    nameSuffix: '-v2',
    namespace: ns,
    images: ['example/shop=registry.example.com/shop:${ARGOCD_APP_REVISION_SHORT}'],
    commonLabels: { 'acme.io/team': 'checkout' },
    commonAnnotations: { 'acme.io/owner': 'checkout@acme.io' },
    replicas: [{ name: 'shop', count: 3 }],
    patches: [
      {
        target: { kind: 'ConfigMap', name: 'shop-settings' },
        patch: '- op: add\n  path: /data/REGION\n  value: eu-west-1\n',
      },
    ],
    components: ['../components/tracing'],
  });

  beforeAll(async () => {
    t = await engineEnv('argokust');
    ns = t.ns('shop');
    const config = await readFile(join(t.repo.dir, 'syncwave.yaml'), 'utf8');
    await t.repo.write(
      'syncwave.yaml',
      `${config.slice(0, config.indexOf('apps:'))}applications: ["argocd/*.yaml"]\n`,
    );
    await t.repo.write(
      'shop/base/kustomization.yaml',
      'resources: [deployment.yaml, configmap.yaml]\ncommonLabels: { app: shop }\n',
    );
    await t.repo.write(
      'shop/base/deployment.yaml',
      stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'shop' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'shop' } },
          template: {
            metadata: { labels: { app: 'shop' } },
            spec: { containers: [{ name: 'shop', image: 'example/shop:1.0.0' }] },
          },
        },
      }),
    );
    await t.repo.write(
      'shop/base/configmap.yaml',
      stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'shop-settings' },
        data: { MODE: 'base' },
      }),
    );
    await t.repo.write('shop/overlay/kustomization.yaml', 'resources: [../base]\nnamePrefix: old-\n');
    await t.repo.write(
      'shop/components/tracing/kustomization.yaml',
      `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - target: { kind: Deployment }
    patch: |
      - op: add
        path: /spec/template/metadata/annotations
        value: { tracing.acme.io/enabled: "true" }
`,
    );
    await t.repo.write('argocd/shop.yaml', application(fields()));
  });

  it('deploys the edited Kustomization: every field applied as Argo CD applies it', async () => {
    const result = await t.push('shop with kustomize fields');
    expect(result.outcome, result.message).toBe('succeeded');
    const revision = await t.repo.head();
    const deployment = await t.cluster.get('apps/v1', 'Deployment', 'eu-shop-v2', ns);
    expect(deployment?.metadata.labels).toMatchObject({ app: 'shop', 'acme.io/team': 'checkout' });
    expect(deployment?.metadata.annotations).toMatchObject({ 'acme.io/owner': 'checkout@acme.io' });
    expect(deployment?.spec).toMatchObject({
      replicas: 3,
      selector: { matchLabels: { app: 'shop', 'acme.io/team': 'checkout' } },
      template: {
        metadata: { annotations: { 'tracing.acme.io/enabled': 'true' } },
        spec: { containers: [{ image: `registry.example.com/shop:${revision.slice(0, 7)}` }] },
      },
    });
    const settings = await t.cluster.get('v1', 'ConfigMap', 'eu-shop-settings-v2', ns);
    expect(settings?.data).toEqual({ MODE: 'base', REGION: 'eu-west-1' });
    // namePrefix replaced the kustomization's own (old-), as `kustomize edit set nameprefix` does
    expect(await t.cluster.get('apps/v1', 'Deployment', 'old-shop', ns)).toBeUndefined();
    // the checkout in Git is untouched: the edits went to a mirror
    expect(await readFile(join(t.repo.dir, 'shop/overlay/kustomization.yaml'), 'utf8')).toBe(
      'resources: [../base]\nnamePrefix: old-\n',
    );
  });

  it('a changed image in the Application is deployed to the same objects', async () => {
    await t.repo.write('argocd/shop.yaml', application({ ...fields(), images: ['example/shop:2.0.0'] }));
    const result = await t.push('shop 2.0.0');
    expect(result.outcome, result.message).toBe('succeeded');
    const deployment = await t.cluster.get('apps/v1', 'Deployment', 'eu-shop-v2', ns);
    expect(deployment?.spec).toMatchObject({
      template: { spec: { containers: [{ image: 'example/shop:2.0.0' }] } },
    });
  });

  it('hostile: a component outside the repository fails the render; the cluster is unchanged', async () => {
    await t.repo.write(
      'argocd/shop.yaml',
      application({
        ...fields(),
        images: ['example/shop:3.0.0'],
        components: ['../../../../../../../../etc'],
      }),
    );
    const result = await t.push('component escaping the checkout');
    expect(result.outcome).toBe('failed');
    const shop = result.apps.find((a) => a.app === 'shop');
    expect(shop?.message).toMatch(
      /components: \.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc is outside the repository/,
    );
    const after = await t.cluster.get('apps/v1', 'Deployment', 'eu-shop-v2', ns);
    expect(after?.spec).toMatchObject({
      template: { spec: { containers: [{ image: 'example/shop:2.0.0' }] } },
    });
  });
});
