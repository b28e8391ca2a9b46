import type { Command } from 'commander';
import { stringify } from 'yaml';
import { MemoryStateStore } from '../../adapters/local/memory-state-store.ts';
import { CliError } from '../cli-error.ts';
import { hideSecretData, renderApp } from '../engine-api.ts';
import { EXIT } from '../exit-codes.ts';
import { createEngineDeps } from '../local/create-engine-deps.ts';
import { openEnvironment } from '../local/open-repo.ts';
import { createLog } from '../serve/create-log.ts';
import { action } from './command-kit.ts';

interface RenderFlags {
  repo: string;
  env?: string;
  revision?: string;
  dataDir: string;
  output: string;
  showSecrets?: boolean;
}

/** `syncwave render APP --env ENV`: the manifests as they would be applied, as YAML (or a JSON list). */
export function registerRender(program: Command): void {
  program
    .command('render <app>')
    .description('print the manifests of an app as they would be applied')
    .option('--repo <url|path>', 'the GitOps repository', '.')
    .option('--env <name>', 'environment (required when there are several)')
    .option('--revision <ref>', 'commit or branch (default: the environment branch)')
    .option('--data-dir <dir>', 'caches', '.syncwave/data')
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .option('--show-secrets', 'print Secret values instead of masking them with ++++++++')
    .action(action(render));
}

async function render(name: string, flags: RenderFlags): Promise<number> {
  const { repo, env } = await openEnvironment(flags);
  const app = repo.config.apps(env.name).find((a) => a.name === name);
  if (!app) {
    const names = repo.config
      .apps(env.name)
      .map((a) => a.name)
      .join(', ');
    throw new CliError(`no app "${name}" in environment ${env.name}; apps: ${names || 'none'}`);
  }
  const deps = createEngineDeps({
    source: repo.source,
    state: new MemoryStateStore(),
    log: createLog({ format: 'pretty', write: () => {} }),
    cacheDir: repo.cacheDir,
    repo: flags.repo,
  });
  const rendered = await renderApp(
    app,
    { dir: repo.dir, revision: repo.revision },
    { tools: deps.tools, cacheDir: repo.cacheDir },
  );
  if (!rendered.ok) throw new CliError(rendered.error.message, EXIT.notOk);
  // Secret values are masked as Argo CD masks them in `argocd app manifests`, unless asked for.
  const objects = flags.showSecrets ? rendered.objects : rendered.objects.map((o) => hideSecretData([o])[0]!);
  if (flags.output === 'json') process.stdout.write(`${JSON.stringify(objects, null, 2)}\n`);
  else process.stdout.write(objects.map((o) => `---\n${stringify(o)}`).join(''));
  return EXIT.ok;
}
