import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { type AppDiffSummary, diffAppAtRevision } from '../engine-api.ts';
import { EXIT } from '../exit-codes.ts';
import { openEnvironment } from '../local/open-repo.ts';
import { withReadOnlyDeps } from '../local/with-read-only-deps.ts';
import { colourDiff, colours } from '../output/colour.ts';
import { formatOutput } from '../output/output-format.ts';
import { action, addOutputOption, formatOf, print } from './command-kit.ts';

interface DiffFlags {
  repo: string;
  env?: string;
  app?: string[];
  revision?: string;
  kubeconfig?: string;
  context?: string;
  dataDir: string;
  output: string;
}

/** `syncwave diff --repo ... --env ENV`: exit 0 in sync, 1 drift, 2 error (like `kubectl diff`). */
export function registerDiff(program: Command): void {
  addOutputOption(
    program
      .command('diff')
      .description('compare Git with the cluster, no server: exit 0 in sync, 1 drift, 2 error')
      .option('--repo <url|path>', 'the GitOps repository', '.')
      .option('--env <name>', 'environment')
      .option('--app <name...>', 'only these apps')
      .option('--revision <ref>', 'commit or branch (default: the environment branch tip)')
      .option('--kubeconfig <file>', 'kubeconfig (default $KUBECONFIG or ~/.kube/config)')
      .option('--context <name>', "kubeconfig context (default: the environment's cluster name)")
      .option('--data-dir <dir>', 'state file (for inventories) and caches', '.syncwave/data'),
  ).action(action(diff));
}

async function diff(flags: DiffFlags): Promise<number> {
  const { repo, env } = await openEnvironment(flags);
  const apps = repo.config.apps(env.name).filter((a) => !flags.app || flags.app.includes(a.name));
  if (flags.app && apps.length !== flags.app.length) {
    throw new CliError(
      `unknown app in --app; apps of ${env.name}: ${repo.config
        .apps(env.name)
        .map((a) => a.name)
        .join(', ')}`,
    );
  }
  return withReadOnlyDeps({ ...flags, source: repo.source, cacheDir: repo.cacheDir }, async (deps) => {
    const results: Array<{ env: string; app: string } & AppDiffSummary> = [];
    for (const app of apps)
      results.push({ env: env.name, app: app.name, ...(await diffAppAtRevision(app, deps, repo.revision)) });
    const inSync = results.every((r) => r.inSync);
    print(
      formatOutput(formatOf(flags), { env: env.name, revision: repo.revision, inSync, apps: results }, () =>
        results
          .map((r) =>
            r.inSync
              ? `${colours.green('in sync')}  ${r.app}`
              : [
                  `${colours.red('drift')}    ${r.app}`,
                  ...r.objects.map(
                    (o) => `${colours.bold(`${o.action} ${o.object}`)}\n${colourDiff(o.diff)}`,
                  ),
                ].join('\n'),
          )
          .join('\n'),
      ),
    );
    return inSync ? EXIT.ok : EXIT.notOk;
  });
}
