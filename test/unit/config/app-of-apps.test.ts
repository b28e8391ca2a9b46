// App of apps read while loading the configuration, with the real renderers (helm, kustomize).
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRepoConfig, type RepoConfig } from '../../../engine/config/load-repo-config.ts';
import type { ToolRunner } from '../../../engine/ports.ts';
import { renderForConfig } from '../../../engine/render/render-for-config.ts';
import { realTools } from '../render/real-tools.ts';

const FIXTURE = new URL('../../fixtures/app-of-apps/', import.meta.url).pathname;
const EXAMPLES = new URL('../../../examples/', import.meta.url).pathname;

let tools: { tools: ToolRunner; cacheDir: string };

async function repo(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sw-app-of-apps-'));
  await cp(join(EXAMPLES, 'apps'), join(dir, 'apps'), { recursive: true });
  await cp(join(FIXTURE, 'argocd'), join(dir, 'argocd'), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function load(dir: string): Promise<RepoConfig> {
  const loaded = await loadRepoConfig(dir, { render: renderForConfig({ dir, revision: 'test' }, tools) });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.config;
}

const application = (name: string, path: string, wave = 0) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  annotations: { argocd.argoproj.io/sync-wave: "${wave}" }
spec:
  source: { repoURL: https://git.example.com/acme/gitops.git, path: ${path} }
  destination: { namespace: ${name} }
`;

beforeAll(async () => {
  tools = await realTools();
});

describe('app of apps', () => {
  it('a Helm root: its values choose plain, Helm and Kustomize children, in wave order; the root is no app', async () => {
    const config = await load(await repo());
    const apps = config.apps('default');
    expect(apps.map((a) => [a.name, a.wave, a.path])).toEqual([
      ['database', 0, 'apps/database'],
      ['backend', 1, 'apps/backend'],
      ['frontend', 2, 'apps/frontend'],
    ]);
    expect(apps.find((a) => a.name === 'frontend')?.helm.valueFiles).toEqual([
      'values.yaml',
      'values-dev.yaml',
    ]);
    expect(apps.every((a) => a.syncPolicy.automated?.prune === true)).toBe(true);
    // declared in the root's file; a change to the root's chart touches every child
    expect(apps[0]?.declaredIn).toBe('argocd/root.yaml');
    expect(apps[0]?.extraPaths).toEqual(['argocd/apps', 'argocd/root.yaml']);
    const skipped = config.skipped('default');
    expect(skipped.map((s) => s.name).sort()).toEqual(['elsewhere', 'root']);
    expect(skipped.find((s) => s.name === 'elsewhere')?.reason).toMatch(
      /another repository \(https:\/\/github.com\/other\/repo.git\)/,
    );
    expect(skipped.find((s) => s.name === 'root')?.reason).toMatch(/loop: root -> root/);
    expect(skipped[0]?.declaredIn).toBe('argocd/root.yaml (rendered by Application/root)');
  });

  it('recursively: a Kustomize root named in syncwave.yaml renders a directory root, which renders an app', async () => {
    const dir = await repo({
      'syncwave.yaml': 'environments:\n  dev: { branch: develop }\napplications: ["argocd/kroot.yaml"]\n',
      'argocd/kroot.yaml': application('kroot', 'argocd/kroot'),
      'argocd/kroot/kustomization.yaml': 'resources: [nested.yaml]\ncommonAnnotations: { team: data }\n',
      'argocd/kroot/nested.yaml': application('nested-root', 'argocd/plain-root', 5),
      'argocd/plain-root/cache.yaml': application('cache', 'apps/database', 7),
      'argocd/plain-root/self.yaml': application('kroot', 'argocd/kroot'),
    });
    const config = await load(dir);
    expect(config.apps('dev').map((a) => [a.name, a.wave, a.namespace])).toEqual([['cache', 7, 'cache']]);
    expect(config.skipped('dev').map((s) => [s.name, s.reason])).toEqual([
      ['kroot', 'loop: kroot -> nested-root -> kroot; remove one of the Applications'],
    ]);
  });

  it('an Application whose source renders no Application stays an ordinary app', async () => {
    const dir = await repo({
      'syncwave.yaml': 'environments:\n  dev: { branch: develop }\napplications: ["argocd/db.yaml"]\n',
      'argocd/db.yaml': application('db', 'apps/database', 1),
    });
    const config = await load(dir);
    expect(config.apps('dev').map((a) => a.name)).toEqual(['db']);
    expect(config.skipped('dev')).toEqual([]);
  });

  it('a root that fails to render is skipped with the render error, other apps unaffected', async () => {
    const dir = await repo({
      'argocd/apps/templates/broken.yaml': '{{ fail "no apps for you" }}\nkind: Application # argoproj.io\n',
      'argocd/plain.yaml': application('plain', 'apps/database'),
    });
    const config = await load(dir);
    expect(config.apps('default').map((a) => a.name)).toEqual(['plain']);
    expect(config.skipped('default')[0]?.reason).toMatch(/app of apps did not render: .*no apps for you/);
  });

  it("a root renders under the operator's render limits (renderLimits of the engine's deps), as apps do", async () => {
    const dir = await repo({ 'argocd/plain.yaml': application('plain', 'apps/database') });
    const limited = renderForConfig({ dir, revision: 'test' }, { ...tools, renderLimits: { maxObjects: 1 } });
    const loaded = await loadRepoConfig(dir, { render: limited });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(loaded.config.apps('default').map((a) => a.name)).toEqual(['plain']);
    expect(loaded.config.skipped('default').find((s) => s.name === 'root')?.reason).toMatch(
      /limit exceeded: more objects than the limit of 1 per app/,
    );
  });
});
