import type { Command } from 'commander';
import { MemoryStateStore } from '../../adapters/local/memory-state-store.ts';
import { shortRevision } from '../../engine/index.ts';
import { renderApp } from '../engine-api.ts';
import { EXIT } from '../exit-codes.ts';
import { createEngineDeps } from '../local/create-engine-deps.ts';
import { environmentOf, openRepo } from '../local/open-repo.ts';
import { colours } from '../output/colour.ts';
import { formatOutput } from '../output/output-format.ts';
import { createLog } from '../serve/create-log.ts';
import { action, addOutputOption, formatOf, print } from './command-kit.ts';

interface ValidateFlags {
  repo: string;
  revision?: string;
  env?: string;
  dataDir: string;
  output: string;
}

interface AppCheck {
  env: string;
  app: string;
  ok: boolean;
  /** Rendered by an app of apps but not synced (another repository, a loop...): a warning, not a failure. */
  skipped?: boolean;
  objects?: number;
  message?: string;
}

/** `syncwave validate`: syncwave.yaml is valid and every app of every environment renders. Exit 1 on any problem. */
export function registerValidate(program: Command): void {
  addOutputOption(
    program
      .command('validate')
      .description(
        'check syncwave.yaml (or, without one, the Argo CD Applications) and render every app of every environment (for pull-request checks); exit 1 on any problem',
      )
      .option('--repo <url|path>', 'the GitOps repository', '.')
      .option('--revision <ref>', 'commit or branch to check', 'HEAD')
      .option('--env <name>', 'only this environment')
      .option('--data-dir <dir>', 'caches', '.syncwave/data'),
  ).action(action(validate));
}

async function validate(flags: ValidateFlags): Promise<number> {
  const repo = await openRepo({ repo: flags.repo, ref: flags.revision ?? 'HEAD', dataDir: flags.dataDir });
  const deps = createEngineDeps({
    source: repo.source,
    state: new MemoryStateStore(),
    log: createLog({ format: 'pretty', write: () => {} }),
    cacheDir: repo.cacheDir,
    repo: flags.repo,
  });
  // A mistyped --env must not pass for a check of nothing.
  if (flags.env) environmentOf(repo.config, flags.env);
  const checks: AppCheck[] = [];
  for (const env of repo.config.environments) {
    if (flags.env && env.name !== flags.env) continue;
    for (const app of repo.config.apps(env.name)) {
      const rendered = await renderApp(
        app,
        { dir: repo.dir, revision: repo.revision },
        { tools: deps.tools, cacheDir: repo.cacheDir },
      );
      checks.push(
        rendered.ok
          ? { env: env.name, app: app.name, ok: true, objects: rendered.objects.length }
          : { env: env.name, app: app.name, ok: false, message: rendered.error.message },
      );
    }
    for (const s of repo.config.skipped(env.name))
      checks.push({
        env: env.name,
        app: s.name,
        ok: true,
        skipped: true,
        message: `${s.declaredIn}: ${s.reason}`,
      });
  }
  const ok = checks.every((c) => c.ok);
  const report = { revision: repo.revision, ok, apps: checks };
  print(
    formatOutput(formatOf(flags), report, () =>
      [
        ...checks.map((c) =>
          c.skipped
            ? `${colours.yellow('skip')} ${c.env}/${c.app}: not synced: ${c.message}`
            : c.ok
              ? `${colours.green('ok')}   ${c.env}/${c.app} (${c.objects} objects)`
              : `${colours.red('fail')} ${c.env}/${c.app}: ${c.message}`,
        ),
        ok
          ? `${repo.config.subject} at ${shortRevision(repo.revision)} is valid; ${checks.filter((c) => !c.skipped).length} app(s) render`
          : `${checks.filter((c) => !c.ok).length} problem(s)`,
      ].join('\n'),
    ),
  );
  return ok ? EXIT.ok : EXIT.notOk;
}
