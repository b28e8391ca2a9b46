import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KustomizeSource } from '../../../engine/app-spec.ts';
import type { ToolRunner } from '../../../engine/ports.ts';
import { renderApp } from '../../../engine/render/render-app.ts';
import { makeApp } from './make-app.ts';
import { realTools } from './real-tools.ts';

const repo = { dir: fileURLToPath(new URL('../../fixtures/render/repo', import.meta.url)), revision: 'r1' };

describe('renderApp: kustomize source (real kubectl kustomize)', () => {
  let deps: { tools: ToolRunner; cacheDir: string };
  let scratch: string;
  beforeAll(async () => {
    ({ scratch, ...deps } = await realTools());
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('renders an overlay: patch, image tag, name prefix, merged generator; its namespace is kept', async () => {
    const res = await renderApp(makeApp('api', 'kustomize/overlays/dev'), repo, deps);

    if (!res.ok) throw new Error(res.error.message);
    expect(res.sourceType).toBe('kustomize');
    const deployment = res.objects.find((o) => o.kind === 'Deployment');
    expect(deployment?.metadata).toMatchObject({ name: 'dev-api', namespace: 'team-dev' });
    expect(deployment?.spec).toMatchObject({
      replicas: 3,
      template: { spec: { containers: [{ image: 'example/api:1.1.0-dev' }] } },
    });
    const configMap = res.objects.find((o) => o.kind === 'ConfigMap');
    expect(configMap?.metadata.name).toMatch(/^dev-settings-[a-z0-9]{10}$/);
    expect(configMap?.data).toEqual({ MODE: 'dev' });
  });

  it('inflates helmCharts with --enable-helm using our helm, without writing to the checkout', async () => {
    const res = await renderApp(makeApp('inflated', 'kustomize-helm'), repo, deps);

    if (!res.ok) throw new Error(res.error.message);
    expect(res.objects).toHaveLength(1);
    expect(res.objects[0]?.metadata).toMatchObject({ name: 'inflated', namespace: 'inflated' }); // the app's: helm sets none
    expect(res.objects[0]?.data).toMatchObject({ greeting: 'from-kustomize', namespace: 'inflated-ns' });
    expect(await readdir(join(repo.dir, 'kustomize-helm', 'charts'))).toEqual(['greeting']);
  });

  it("fails naming the kustomization and quoting kubectl's message", async () => {
    const res = await renderApp(makeApp('bad', 'kustomize-broken'), repo, deps);

    expect(!res.ok && res.error).toMatchObject({
      reason: 'tool-failed',
      sourceType: 'kustomize',
      file: 'kustomize-broken/kustomization.yaml',
    });
    expect(!res.ok && res.error.detail).toMatch(/^kubectl kustomize: .*missing-file\.yaml/);
    expect(!res.ok && res.error.message).not.toContain(join(repo.dir, '/'));
  });

  describe('with spec.source.kustomize (edited in a mirror of the checkout)', () => {
    const kustomize = (over: Partial<KustomizeSource>): KustomizeSource => ({
      images: [],
      commonLabels: {},
      commonAnnotations: {},
      forceCommonLabels: false,
      forceCommonAnnotations: false,
      labelWithoutSelector: false,
      labelIncludeTemplates: false,
      commonAnnotationsEnvsubst: false,
      patches: [],
      replicas: [],
      components: [],
      ignoreMissingComponents: false,
      ...over,
    });
    const overlay = 'kustomize/overlays/dev/kustomization.yml';

    it('applies every field on top of the kustomization, leaving the checkout unchanged', async () => {
      const before = await readFile(join(repo.dir, overlay), 'utf8');
      const app = makeApp('api', 'kustomize/overlays/dev', {
        kustomize: kustomize({
          namePrefix: 'pay-',
          nameSuffix: '-v2',
          namespace: 'payments',
          images: ['example/api=registry.local:5000/api:${ARGOCD_APP_REVISION_SHORT}'],
          commonLabels: { tier: 'backend' },
          commonAnnotations: { owner: 'payments' },
          replicas: [{ name: 'api', count: 5 }],
          patches: [
            {
              target: { kind: 'ConfigMap' },
              patch: '- op: add\n  path: /data/EXTRA\n  value: "yes"',
            },
          ],
          components: ['../../components/team'],
        }),
      });
      const res = await renderApp(app, { dir: repo.dir, revision: 'abcdef1234567' }, deps);

      if (!res.ok) throw new Error(res.error.message);
      const deployment = res.objects.find((o) => o.kind === 'Deployment');
      expect(deployment?.metadata).toMatchObject({
        name: 'pay-api-v2',
        namespace: 'payments',
        labels: { tier: 'backend' },
        annotations: { owner: 'payments', team: 'payments' },
      });
      expect(deployment?.spec).toMatchObject({
        replicas: 5,
        selector: { matchLabels: { app: 'api', tier: 'backend' } },
        template: { spec: { containers: [{ image: 'registry.local:5000/api:abcdef1' }] } },
      });
      const configMap = res.objects.find((o) => o.kind === 'ConfigMap');
      expect(configMap?.data).toEqual({ MODE: 'dev', EXTRA: 'yes' });
      expect(await readFile(join(repo.dir, overlay), 'utf8')).toBe(before);
    });

    it('hostile: a component outside the repository fails before anything is read or run', async () => {
      const app = makeApp('api', 'kustomize/overlays/dev', {
        kustomize: kustomize({ components: ['../../../../../../../../etc'], ignoreMissingComponents: true }),
      });
      const res = await renderApp(app, repo, deps);

      expect(!res.ok && res.error).toMatchObject({ reason: 'path-outside-repo', file: overlay });
      expect(!res.ok && res.error.detail).toContain('is outside the repository');
    });

    it('hostile: a patch file outside the repository fails (the edited kustomization is checked)', async () => {
      const app = makeApp('api', 'kustomize/overlays/dev', {
        kustomize: kustomize({ patches: [{ path: '../../../../../../../../etc/passwd' }] }),
      });
      const res = await renderApp(app, repo, deps);

      expect(!res.ok && res.error).toMatchObject({ reason: 'path-outside-repo', file: overlay });
      expect(!res.ok && res.error.message).not.toContain(repo.dir);
    });

    it('a missing component fails unless ignoreMissingComponents', async () => {
      const app = (ignore: boolean) =>
        makeApp('api', 'kustomize/overlays/dev', {
          kustomize: kustomize({ components: ['../../components/nope'], ignoreMissingComponents: ignore }),
        });
      const missing = await renderApp(app(false), repo, deps);
      expect(!missing.ok && missing.error.detail).toMatch(
        /components: \.\.\/\.\.\/components\/nope does not exist/,
      );
      expect((await renderApp(app(true), repo, deps)).ok).toBe(true);
    });

    it('a directory without a kustomization is an error, as in Argo CD', async () => {
      const res = await renderApp(
        makeApp('x', 'charts/values/templates', { kustomize: kustomize({ namePrefix: 'p-' }) }),
        repo,
        deps,
      );
      expect(!res.ok && res.error.detail).toMatch(
        /spec\.source\.kustomize is set but charts\/values\/templates has no kustomization\.yaml/,
      );
    });
  });
});
