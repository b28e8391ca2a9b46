import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import { type CliResult, runSyncwave } from '../../scripts/demo/serve-process.ts';
import { EXAMPLES } from './serve-env.ts';
import { singleEnvironmentConfig } from './single-environment.ts';

/**
 * The example repository in a git work repository of its own, with syncwave.yaml bound to one
 * environment on the integration project's control plane (see singleEnvironmentConfig), for
 * tests that run the CLI as a process.
 */
export interface ExampleEnvironment {
  readonly repo: GitWorkRepo;
  /** A temporary directory holding the repository and the CLI's data directory. */
  readonly work: string;
  readonly env: string;
  readonly kubeconfig: string;
  readonly context: string;
  /** The namespace the example app `app` deploys to in this environment. */
  ns(app: string): string;
  /** `--repo R --env E --kubeconfig K --context C`: a command pointed at this environment. */
  target(): string[];
  /** The CLI as a process, with the data directory under `work` and no colour. */
  sw(...args: string[]): Promise<CliResult>;
  /** Deletes the example apps' namespaces (without waiting) and the temporary directory. */
  close(): Promise<void>;
}

export const EXAMPLE_APPS = ['database', 'backend', 'frontend'] as const;

export async function openExampleEnvironment(opts: {
  /** The environment's name; also the prefix of its namespaces. Unique per test file. */
  env: string;
  /** A change to the rewritten syncwave.yaml before it is committed. */
  editConfig?: (config: string) => string;
}): Promise<ExampleEnvironment> {
  const kubeconfig = process.env.KUBECONFIG ?? '';
  if (!kubeconfig) throw new Error('KUBECONFIG is not set: run through the integration project');
  const context = (parse(await readFile(kubeconfig, 'utf8')) as { 'current-context': string })[
    'current-context'
  ];
  const { env } = opts;
  const work = await mkdtemp(join(tmpdir(), `sw-${env}-`));
  const repo = await createWorkRepo({ dir: join(work, 'repo'), from: EXAMPLES, branches: ['develop'] });
  const file = join(repo.dir, 'syncwave.yaml');
  const config = singleEnvironmentConfig(await readFile(file, 'utf8'), { env, context });
  await writeFile(file, opts.editConfig ? opts.editConfig(config) : config);
  await repo.commitAll(`environment ${env}`);
  const ns = (app: string): string => `${env}-${app}`;
  return {
    repo,
    work,
    env,
    kubeconfig,
    context,
    ns,
    target: () => ['--repo', repo.dir, '--env', env, '--kubeconfig', kubeconfig, '--context', context],
    sw: (...args) => runSyncwave([...args, '--data-dir', join(work, 'data')], { env: { NO_COLOR: '1' } }),
    async close() {
      for (const app of EXAMPLE_APPS)
        await kubectl(kubeconfig, [
          'delete',
          'namespace',
          ns(app),
          '--ignore-not-found',
          '--wait=false',
        ]).catch(() => {});
      if (!process.env.SYNCWAVE_KEEP_TEST_DIRS) await rm(work, { recursive: true, force: true });
    },
  };
}
