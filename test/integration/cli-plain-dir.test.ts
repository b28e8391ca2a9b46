// A new user's first try: a folder of manifests that is not a git repository, a kubeconfig
// whose contexts are not named like the environments' clusters. The one-shot commands
// still work: the folder is the desired state, the current context is the cluster.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { JobResult } from '../../engine/job/job-result.ts';
import { type CliResult, runSyncwave } from '../../scripts/demo/serve-process.ts';
import { EXAMPLES } from '../support/serve-env.ts';

let dir: string;
let work: string;
const env = `plain${process.pid % 1000}`;

function sw(...args: string[]): Promise<CliResult> {
  return runSyncwave([...args, '--data-dir', join(work, 'data')], { env: { NO_COLOR: '1' } });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sw-cli-plain-'));
  dir = join(work, 'gitops');
  await cp(EXAMPLES, dir, { recursive: true });
  const config = (await readFile(join(dir, 'syncwave.yaml'), 'utf8'))
    .replace(
      /^ {2}dev: .*$/m,
      `  ${env}: { branch: develop, cluster: no-such-context, namespacePrefix: ${env}- }`,
    )
    .replace(/^ {2}prod: .*$/m, '')
    .replaceAll('values-${env}.yaml', 'values-dev.yaml');
  await writeFile(join(dir, 'syncwave.yaml'), config);
});

describe('one-shot commands on a plain directory', () => {
  it('validates and renders the folder as it is', async () => {
    const validate = await sw('validate', '--repo', dir);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/at worktree is valid; 3 app\(s\) render/);
    const render = await sw('render', 'backend', '--repo', dir, '--env', env);
    expect(render.code, render.stderr).toBe(0);
    const kinds = parseAllDocuments(render.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds.sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
  });

  it('syncs to the kubeconfig current context when the named one is missing, then diff is clean', async () => {
    const sync = await sw(
      'sync',
      '--repo',
      dir,
      '--env',
      env,
      '--kubeconfig',
      process.env.KUBECONFIG as string,
      '-o',
      'json',
    );
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stderr).toMatch(/no context "no-such-context".*current context/);
    const result = JSON.parse(sync.stdout) as JobResult;
    expect(result.outcome).toBe('succeeded');
    expect(result.apps.map((a) => [a.app, a.phase])).toEqual([
      ['database', 'Succeeded'],
      ['backend', 'Succeeded'],
      ['frontend', 'Succeeded'],
    ]);
    const diff = await sw(
      'diff',
      '--repo',
      dir,
      '--env',
      env,
      '--kubeconfig',
      process.env.KUBECONFIG as string,
    );
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);
  });

  it('fails before writing anything when a namespace is missing, and says how to fix it', async () => {
    const bare = join(work, 'no-create-namespace');
    await cp(dir, bare, { recursive: true });
    const file = join(bare, 'syncwave.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replaceAll(', syncOptions: [CreateNamespace=true]', '')
        .replaceAll('syncOptions: [CreateNamespace=true]', '')
        .replaceAll(`${env}-`, `${env}x-`),
    );
    const sync = await sw(
      'sync',
      '--repo',
      bare,
      '--env',
      env,
      '--kubeconfig',
      process.env.KUBECONFIG as string,
      '-o',
      'json',
    );
    expect(sync.code).toBe(1);
    const result = JSON.parse(sync.stdout) as JobResult;
    expect(result.message).toMatch(
      new RegExp(`namespace ${env}x-database does not exist; add CreateNamespace=true`),
    );
    expect(result.message).toMatch(/app wave\(s\) 1, 2 not synced/);
  });

  it('says what to fix for a path that does not exist', async () => {
    const missing = await sw('validate', '--repo', join(work, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such directory/);
  });
});
