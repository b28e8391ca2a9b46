import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { MemoryStateStore } from '../../adapters/local/memory-state-store.ts';
import { SqliteStateStore } from '../../adapters/local/sqlite-state-store.ts';
import { CliError } from '../cli-error.ts';
import { type AppDiffSummary, diffAppAtRevision } from '../engine-api.ts';
import { EXIT } from '../exit-codes.ts';
import { createEngineDeps } from '../local/create-engine-deps.ts';
import { openEnvironment } from '../local/open-repo.ts';
import { colourDiff, colours } from '../output/colour.ts';
import { formatOutput } from '../output/output-format.ts';
import { createLog } from '../serve/create-log.ts';
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
  const dbFile = join(resolve(flags.dataDir), 'syncwave.db');
  const state = existsSync(dbFile) ? await SqliteStateStore.open(dbFile) : new MemoryStateStore();
  try {
    const deps = createEngineDeps({
      source: repo.source,
      state,
      log: createLog({ format: 'pretty', write: (line) => process.stderr.write(`${line}\n`) }),
      cacheDir: repo.cacheDir,
      kubeconfig: flags.kubeconfig,
      context: flags.context,
      repo: flags.repo,
    });
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
  } finally {
    if (state instanceof SqliteStateStore) state.close();
  }
}
