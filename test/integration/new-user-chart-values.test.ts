// A chart whose values live outside it (test/fixtures/argocd-style/chart-values): `../../envs/...`
// value files, one that is not committed with `ignoreMissingValueFiles: true`, `releaseName`, and
// `helm.parameters` (one with a comma, one with forceString), read from an Application as Argo CD reads them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubectlJson } from '../../scripts/demo/kubectl.ts';
import { type NewUserRepo, openNewUserRepo } from '../support/new-user-repo.ts';

let u: NewUserRepo;

beforeAll(async () => {
  u = await openNewUserRepo('chart-values', `nucv${process.pid % 1000}`);
});

afterAll(async () => {
  await u.close();
});

interface Obj {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { replicas?: number; template: { spec: { containers: Array<{ image: string }> } } };
}

describe('a chart with values elsewhere and ignoreMissingValueFiles', () => {
  it('validate passes: the missing value file is skipped, as Argo CD skips it', async () => {
    const v = await u.sw('validate');
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toContain('ok   default/web (2 objects)');
  });

  it('renders with the release name, the outside value file and the parameters; sync and diff agree', async () => {
    const r = await u.sw('render', 'web');
    expect(r.code, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
    const deploy = docs.find((d) => d.kind === 'Deployment');
    const settings = docs.find((d) => d.kind === 'ConfigMap');
    expect(deploy?.metadata.name).toBe('storefront');
    expect(deploy?.spec?.replicas).toBe(2);
    expect(deploy?.spec?.template.spec.containers[0]?.image).toBe('nginx:1.27');
    expect(settings?.data).toEqual({
      greeting: 'hello, world',
      release: 'storefront',
      namespace: `${u.prefix}-web`,
      build: '1234',
    });

    const sync = await u.sw('sync', '--env', 'default', ...u.cluster());
    expect(sync.code, sync.stderr).toBe(0);
    const live = await kubectlJson<Obj>(u.kubeconfig, [
      'get',
      'configmap',
      'storefront-settings',
      '-n',
      `${u.prefix}-web`,
    ]);
    expect(live.data?.greeting).toBe('hello, world');
    expect(live.data?.build).toBe('1234');
    const diff = await u.sw('diff', '--env', 'default', ...u.cluster());
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);
  });

  it('without ignoreMissingValueFiles the missing file is an error naming it', async () => {
    await u.repo.git('checkout', '-q', '-b', 'strict');
    const file = 'argocd/web.yaml';
    const text = await u.repo.git('show', `HEAD:${file}`);
    await u.repo.write(file, `${text.replace('      ignoreMissingValueFiles: true\n', '')}\n`);
    await u.repo.commitAll('strict value files');
    const v = await u.sw('validate');
    await u.repo.checkout('main');
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('secrets-not-committed.yaml');
  });
});
