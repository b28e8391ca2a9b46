import type { Command } from 'commander';
import { previewEnvironment } from '../engine-api.ts';
import { EXIT } from '../exit-codes.ts';
import { environmentOf, openRepo } from '../local/open-repo.ts';
import { withReadOnlyDeps } from '../local/with-read-only-deps.ts';
import { formatOutput } from '../output/output-format.ts';
import { previewView } from '../output/preview-view.ts';
import { action, addOutputOption, formatOf, print } from './command-kit.ts';

interface PreviewFlags {
  repo: string;
  env?: string;
  revision: string;
  kubeconfig?: string;
  context?: string;
  dataDir: string;
  output: string;
}

/** `syncwave preview --repo . --env prod --revision HEAD`: exit 0 no changes, 1 changes, 2 errors. */
export function registerPreview(program: Command): void {
  addOutputOption(
    program
      .command('preview')
      .description(
        "what merging a revision into an environment's branch would do to its cluster (dry run, nothing written): exit 0 no changes, 1 changes, 2 errors",
      )
      .option('--repo <url|path>', 'the GitOps repository', '.')
      .option('--env <name>', 'environment whose branch the revision would merge into')
      .option('--revision <ref>', 'commit or branch to preview (a pull request head)', 'HEAD')
      .option('--kubeconfig <file>', 'kubeconfig (default $KUBECONFIG or ~/.kube/config)')
      .option('--context <name>', "kubeconfig context (default: the environment's cluster name)")
      .option(
        '--data-dir <dir>',
        'state file (for inventories, so prunes show) and caches',
        '.syncwave/data',
      ),
  ).action(action(preview));
}

async function preview(flags: PreviewFlags): Promise<number> {
  const repo = await openRepo({ repo: flags.repo, ref: flags.revision, dataDir: flags.dataDir });
  const only = repo.config.environments.length === 1 ? repo.config.environments[0]?.name : undefined;
  const env = environmentOf(repo.config, flags.env ?? only);
  return withReadOnlyDeps({ ...flags, source: repo.source, cacheDir: repo.cacheDir }, async (deps) => {
    const report = await previewEnvironment({ env: env.name, revision: repo.revision }, deps);
    print(formatOutput(formatOf(flags), report, () => previewView(report)));
    return report.outcome === 'clean' ? EXIT.ok : report.outcome === 'changes' ? EXIT.notOk : EXIT.error;
  });
}
