import { Command, Help } from 'commander';
import { COMMANDS, commandNamed } from './command-index.ts';
import { EXIT } from './exit-codes.ts';

const argv = process.argv.slice(2);
// `--version` is `syncwave version`: the commit and the helm/kubectl versions too.
if (argv[0] === '--version' || argv[0] === '-V') argv[0] = 'version';

const defaultHelp = new Help();
const program = new Command()
  .name('syncwave')
  .description('GitOps for Kubernetes with no controller in the cluster')
  .option('-V, --version', 'print the syncwave, commit, helm and kubectl versions')
  .showHelpAfterError()
  .configureHelp({
    subcommandTerm: (cmd) =>
      COMMANDS.find((c) => c.name === cmd.name())?.term ?? defaultHelp.subcommandTerm(cmd),
  })
  .exitOverride((err) => {
    // Usage errors are exit code 2 (like kubectl), help and version 0.
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.error);
  });

// Only the command that runs is loaded; the others are listed by name for help and suggestions.
const wanted = commandNamed(argv);
for (const entry of COMMANDS) {
  if (entry === wanted) (await entry.load())(program);
  else program.command(entry.name).description(entry.description);
}

// A progress line while helm and kubectl unpack on first use (only a command can need them;
// `--help` does not load the tools module, nor zlib and crypto with it).
if (wanted) {
  const { onToolsUnpack } = await import('../adapters/tools/ensure-tools.ts');
  onToolsUnpack(({ phase, dir, ms }) => {
    process.stderr.write(
      phase === 'start'
        ? `syncwave: unpacking helm and kubectl into ${dir} (first use, a few seconds)...\n`
        : `syncwave: helm and kubectl ready (${((ms ?? 0) / 1000).toFixed(1)} s)\n`,
    );
  });
}

await program.parseAsync(argv, { from: 'user' });
