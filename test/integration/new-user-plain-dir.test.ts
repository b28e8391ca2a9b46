// A plain-directory repository read through Applications (test/fixtures/argocd-style/plain-recurse):
// nested directories, `directory.recurse`, and include/exclude globs read as Argo CD reads them
// (matched against the whole app-relative path, `*` crossing '/').
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import { type NewUserRepo, openNewUserRepo } from '../support/new-user-repo.ts';

let u: NewUserRepo;

beforeAll(async () => {
  u = await openNewUserRepo('plain-recurse', `nupd${process.pid % 1000}`);
});

afterAll(async () => {
  await u.close();
});

async function names(app: string): Promise<string[]> {
  const r = await u.sw('render', app, '--env', 'default');
  expect(r.code, r.stderr).toBe(0);
  return parseAllDocuments(r.stdout)
    .map((d) => (d.toJS() as { metadata: { name: string } }).metadata.name)
    .sort();
}

describe('a plain-directory repository with nested directories and globs', () => {
  it('renders what Argo CD would: recurse, include with braces crossing directories, exclude', async () => {
    // `{base/config/*.yaml,env-usw2/*}`: env-usw2/* takes env-usw2/nested/deep.yaml too (gobwas/glob).
    expect(await names('usw2')).toEqual(['base-app', 'usw2-deep', 'usw2-region']);
    // exclude `tests/*`; .json read, .txt not.
    expect(await names('everything')).toEqual([
      'base-app',
      'base-db',
      'base-json',
      'euw1-region',
      'top',
      'usw2-deep',
      'usw2-region',
    ]);
    // no recurse: only the files directly in the path
    expect(await names('top-only')).toEqual(['top']);
  });

  it('syncs the three apps into their destination namespaces; diff is clean', async () => {
    const sync = await u.sw('sync', '--env', 'default', ...u.cluster());
    expect(sync.code, sync.stderr).toBe(0);
    const cms = await kubectl(u.kubeconfig, ['get', 'configmaps', '-n', `${u.prefix}-usw2`, '-o', 'name']);
    expect(cms).toContain('configmap/usw2-deep');
    const diff = await u.sw('diff', '--env', 'default', ...u.cluster());
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);
  });
});
