import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../../../engine/config/load-repo-config.ts';

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sw-config-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const BASE = `
environments:
  dev:  { branch: develop, cluster: dev-eks }
  prod: { branch: main,    cluster: prod-eks, namespacePrefix: prod- }
apps:
  - name: database
    path: apps/database
    namespace: database
    wave: 0
    helm: { valueFiles: [values.yaml, "values-\${env}.yaml"] }
    syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: [CreateNamespace=true] }
  - { name: backend,  path: ./apps/backend/,  namespace: backend,  wave: 1 }
  - name: frontend
    path: apps/frontend
    namespace: frontend
    wave: 2
    helm: { values: { replicaCount: 2, image: { tag: "2.0.0" } } }
    environments:
      prod: { namespace: web, helm: { values: { replicaCount: 3 } } }
      dev: { enabled: false }
`;

describe('loadRepoConfig', () => {
  it('resolves apps per environment with overrides folded in', async () => {
    // Prepare
    const dir = await repo({ 'syncwave.yaml': BASE });
    // Act
    const result = await loadRepoConfig(dir);
    // Assess
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const { config } = result;
    expect(config.environments.map((e) => [e.name, e.branch, e.cluster])).toEqual([
      ['dev', 'develop', 'dev-eks'],
      ['prod', 'main', 'prod-eks'],
    ]);
    expect(config.apps('dev').map((a) => a.name)).toEqual(['database', 'backend']);
    const db = config.apps('prod').find((a) => a.name === 'database');
    expect(db?.helm.valueFiles).toEqual(['values.yaml', 'values-prod.yaml']);
    expect(db?.namespace).toBe('prod-database');
    expect(db?.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
    expect(db?.syncPolicy.syncOptions.createNamespace).toBe(true);
    const backend = config.apps('prod').find((a) => a.name === 'backend');
    expect(backend?.path).toBe('apps/backend');
    expect(backend?.syncPolicy.automated).toBeUndefined();
    const frontend = config.apps('prod').find((a) => a.name === 'frontend');
    expect(frontend?.namespace).toBe('prod-web');
    expect(frontend?.helm.values).toEqual({ replicaCount: 3, image: { tag: '2.0.0' } });
  });

  it('reports every problem with its path in the file', async () => {
    const dir = await repo({
      'syncwave.yaml': `
environments:
  dev: { branch: develop }
apps:
  - { name: a, path: apps/a }
  - { name: b, path: apps/b, wave: "one" }
  - { name: c, path: apps/c, wave: 1.5, syncPolicy: { syncOptions: [Bogus=true] } }
  - { name: a, path: apps/d, environments: { qa: { wave: 1 } } }
`,
    });
    const result = await loadRepoConfig(dir);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.some((e) => e.startsWith('syncwave.yaml: apps[1].wave:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('syncwave.yaml: apps[2].wave:'))).toBe(true);
  });

  it('reports semantic problems once the shape is right', async () => {
    const dir = await repo({
      'syncwave.yaml': `
environments:
  dev: { branch: develop }
apps:
  - { name: a, path: apps/a, syncPolicy: { syncOptions: [Bogus=true] } }
  - { name: a, path: apps/d, environments: { qa: { wave: 1 } } }
`,
    });
    const result = await loadRepoConfig(dir);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toContainEqual(
      expect.stringMatching(/apps\[0\]\.syncPolicy\.syncOptions\[0\]: unknown sync option "Bogus"/),
    );
    expect(errors).toContainEqual(expect.stringMatching(/apps\[1\]\.name: "a" is already used by apps\[0\]/));
    expect(errors).toContainEqual(expect.stringMatching(/apps\[1\]\.environments\.qa: no environment "qa"/));
  });

  it('says what to do when syncwave.yaml is missing or not YAML', async () => {
    const missing = await loadRepoConfig(await repo({}));
    expect(missing.ok ? '' : missing.errors[0]).toMatch(/syncwave\.yaml: not found at the repository root/);
    const broken = await loadRepoConfig(await repo({ 'syncwave.yaml': 'environments: [\n' }));
    expect(broken.ok ? '' : broken.errors[0]).toMatch(/^syncwave\.yaml: /);
  });

  it('reads Argo CD Application manifests as apps, bound by targetRevision', async () => {
    const dir = await repo({
      'syncwave.yaml':
        'environments:\n  dev: { branch: develop }\n  prod: { branch: main }\napplications: ["argocd/*.yaml"]\n',
      'argocd/web.yaml': `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  annotations: { argocd.argoproj.io/sync-wave: "2" }
spec:
  source: { repoURL: https://example.invalid/repo.git, path: apps/web, targetRevision: main, helm: { valueFiles: [values-prod.yaml], values: "replicaCount: 4" } }
  destination: { namespace: web, server: https://kubernetes.default.svc }
  syncPolicy: { automated: { prune: true }, syncOptions: [CreateNamespace=true] }
`,
    });
    const result = await loadRepoConfig(dir);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.apps('dev')).toEqual([]);
    const [web] = result.config.apps('prod');
    expect(web).toMatchObject({
      name: 'web',
      path: 'apps/web',
      namespace: 'web',
      wave: 2,
      declaredIn: 'argocd/web.yaml',
    });
    expect(web?.helm.values).toEqual({ replicaCount: 4 });
    expect(web?.syncPolicy.automated?.prune).toBe(true);
    expect(web?.directory.recurse).toBe(false);
  });

  it('reads a repository with only Argo CD Applications (app of apps) as Argo CD would', async () => {
    const app = (name: string, path: string, rev: string, ns: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: ${name}, namespace: argocd }
spec:
  project: default
  source: { repoURL: https://example.invalid/gitops.git, path: ${path}, targetRevision: ${rev} }
  destination: { server: https://kubernetes.default.svc, namespace: ${ns} }
  syncPolicy: { automated: { prune: true, selfHeal: true } }
`;
    const dir = await repo({
      'argocd/root.yaml': app('root', 'argocd/apps', 'HEAD', 'argocd'),
      'argocd/apps/web.yaml': app('web', 'apps/web', 'main', 'web'),
      'argocd/apps/api.yaml': app('api', 'apps/api', 'release/2.0', 'api'),
      'apps/web/chart/templates/app.yaml':
        'kind: Application\napiVersion: argoproj.io/v1alpha1\nmetadata: { name: {{ .Values.name }} }\n',
    });
    const result = await loadRepoConfig(dir);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.environments.map((e) => [e.name, e.branch]).sort()).toEqual([
      ['main', 'main'],
      ['release-2-0', 'release/2.0'],
    ]);
    expect(result.config.apps('main').map((a) => [a.name, a.path, a.namespace])).toEqual([
      ['web', 'apps/web', 'web'],
    ]);
    expect(result.config.apps('release-2-0').map((a) => a.name)).toEqual(['api']);
  });
});
