import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import { type CliResult, runSyncwave } from '../../scripts/demo/serve-process.ts';

export const ARGOCD_STYLE = fileURLToPath(new URL('../fixtures/argocd-style/', import.meta.url));

/**
 * A fixture of test/fixtures/argocd-style as a new user has it: a git repository (branch main)
 * with `REPLACE-` in names and namespaces made unique to the test, and the CLI run from inside
 * it with no --repo and no --data-dir, as the README's commands are typed.
 */
export interface NewUserRepo {
  readonly repo: GitWorkRepo;
  readonly prefix: string;
  readonly kubeconfig: string;
  /** `syncwave ARGS` with the repository as the working directory. */
  sw(...args: string[]): Promise<CliResult>;
  /** `--kubeconfig K`: the integration control plane (its current context). */
  cluster(): string[];
  /** Deletes the namespaces and cluster-scoped objects whose name starts with the prefix. */
  close(): Promise<void>;
}

async function substitute(dir: string, prefix: string): Promise<void> {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const text = await readFile(file, 'utf8');
    if (text.includes('REPLACE-')) await writeFile(file, text.replaceAll('REPLACE-', `${prefix}-`));
  }
}

export async function openNewUserRepo(fixture: string, prefix: string): Promise<NewUserRepo> {
  const kubeconfig = process.env.KUBECONFIG ?? '';
  if (!kubeconfig) throw new Error('KUBECONFIG is not set: run through the integration project');
  const work = await mkdtemp(join(tmpdir(), `sw-${prefix}-`));
  const dir = join(work, fixture);
  const repo = await createWorkRepo({ dir, from: join(ARGOCD_STYLE, fixture), branches: ['main'] });
  await substitute(dir, prefix);
  await repo.commitAll('as the user has it');
  return {
    repo,
    prefix,
    kubeconfig,
    sw: (...args) => runSyncwave(args, { cwd: dir, env: { NO_COLOR: '1' } }),
    cluster: () => ['--kubeconfig', kubeconfig],
    async close() {
      const names = (kind: string) =>
        kubectl(kubeconfig, ['get', kind, '-o', 'name']).then(
          (out) => out.split('\n').filter((n) => n.includes(`${prefix}-`)),
          () => [] as string[],
        );
      for (const kind of ['namespaces', 'crd', 'clusterroles', 'clusterrolebindings', 'priorityclasses'])
        for (const name of await names(kind))
          await kubectl(kubeconfig, ['delete', name, '--ignore-not-found', '--wait=false']).catch(() => {});
      if (!process.env.SYNCWAVE_KEEP_TEST_DIRS) await rm(work, { recursive: true, force: true });
    },
  };
}
