import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SqliteStateStore } from '../../adapters/local/sqlite-state-store.ts';
import type { Job } from '../../engine/index.ts';
import { CliError } from '../cli-error.ts';
import { type JobResult, runJob } from '../engine-api.ts';
import { EXIT } from '../exit-codes.ts';
import { chooseSyncApps } from '../local/choose-sync-apps.ts';
import { createEngineDeps } from '../local/create-engine-deps.ts';
import { loadPolicy } from '../local/load-policy.ts';
import { openEnvironment } from '../local/open-repo.ts';
import { jobResultView } from '../output/job-result-view.ts';
import { formatOutput } from '../output/output-format.ts';
import { createLog } from '../serve/create-log.ts';
import { action, addOutputOption, formatOf, print } from './command-kit.ts';

interface SyncFlags {
  repo: string;
  env?: string;
  app?: string[];
  revision?: string;
  kubeconfig?: string;
  context?: string;
  dataDir: string;
  prune?: boolean;
  dryRun?: boolean;
  automatedOnly?: boolean;
  output: string;
  verbose?: boolean;
  policy?: string;
}

/** `syncwave sync --repo ... --env ENV`: one full sync (waves, health, prune) with no server. */
export function registerSync(program: Command): void {
  addOutputOption(
    program
      .command('sync')
      .description(
        'sync an environment (or some apps) once, with no server: waves, health and prune included; every app of the environment unless --app or --automated-only, skipped apps listed with the reason',
      )
      .option('--repo <url|path>', 'the GitOps repository', '.')
      .option('--env <name>', 'environment to sync')
      .option('--app <name...>', 'only these apps')
      .option('--revision <ref>', 'commit or branch (default: the environment branch tip)')
      .option('--kubeconfig <file>', 'kubeconfig (default $KUBECONFIG or ~/.kube/config)')
      .option('--context <name>', "kubeconfig context (default: the environment's cluster name)")
      .option('--data-dir <dir>', 'state file and caches', '.syncwave/data')
      .option(
        '--policy <file>',
        'destination policy: allowed namespaces and cluster-scoped kinds per environment',
      )
      .option('--prune', 'delete objects no longer in Git')
      .option('--dry-run', 'plan and dry-run apply only')
      .option('--automated-only', 'only the apps a push would sync (those with an automated sync policy)')
      .option('-v, --verbose', 'list unchanged objects too'),
  ).action(action(sync));
}

async function sync(flags: SyncFlags): Promise<number> {
  const { repo, env } = await openEnvironment(flags);
  for (const name of flags.app ?? []) {
    if (!repo.config.apps(env.name).some((a) => a.name === name)) {
      throw new CliError(
        `no app "${name}" in environment ${env.name}; apps: ${repo.config
          .apps(env.name)
          .map((a) => a.name)
          .join(', ')}`,
      );
    }
  }
  const format = formatOf(flags);
  const state = await SqliteStateStore.open(join(resolve(flags.dataDir), 'syncwave.db'));
  try {
    const states = new Map((await state.listApps(env.name)).map((s) => [s.app, s]));
    const choice = chooseSyncApps(repo.config.apps(env.name), states, {
      named: flags.app,
      automatedOnly: flags.automatedOnly,
    });
    const skipped: JobResult['apps'] = [
      ...choice.skipped,
      ...repo.config
        .skipped(env.name)
        .map((s) => ({ app: s.name, wave: 0, reason: `${s.reason} (${s.declaredIn})` })),
    ].map((s) => ({
      app: s.app,
      wave: s.wave,
      phase: 'Skipped',
      message: `not synced: ${s.reason}`,
      health: states.get(s.app)?.health ?? { status: 'Unknown' },
      resources: [],
    }));
    if (choice.sync.length === 0) {
      const result: JobResult = {
        jobId: 'none',
        env: env.name,
        revision: repo.revision,
        outcome: 'skipped',
        message: 'no app to sync',
        apps: skipped,
      };
      print(formatOutput(format, result, () => jobResultView(result, { verbose: flags.verbose })));
      return EXIT.ok;
    }
    const deps = createEngineDeps({
      source: repo.source,
      state,
      // Progress goes to stderr, so stdout stays the result (parseable with -o json).
      log: createLog({
        format: format === 'table' ? 'pretty' : 'json',
        write: (line) => process.stderr.write(`${line}\n`),
      }),
      cacheDir: repo.cacheDir,
      kubeconfig: flags.kubeconfig,
      context: flags.context,
      repo: flags.repo,
      policy: await loadPolicy(flags.policy),
    });
    const job: Job = {
      id: `cli-${randomUUID()}`,
      repo: flags.repo,
      env: env.name,
      revision: repo.revision,
      changedPaths: 'all',
      reason: 'manual',
      apps: choice.sync,
      prune: flags.prune,
      dryRun: flags.dryRun,
      enqueuedAt: new Date().toISOString(),
    };
    let result: JobResult;
    do {
      result = await runJob(job, deps);
      if (result.outcome === 'continue' || result.outcome === 'busy') await deps.clock.sleep(1000);
    } while (result.outcome === 'continue' || result.outcome === 'busy');
    result = { ...result, apps: [...result.apps, ...skipped].sort((a, b) => a.wave - b.wave) };
    print(formatOutput(format, result, () => jobResultView(result, { verbose: flags.verbose })));
    return result.outcome === 'failed' ? EXIT.notOk : EXIT.ok;
  } finally {
    state.close();
  }
}
