import { Command } from 'commander';
import { registerApp } from './commands/app-command.ts';
import { registerDiff } from './commands/diff-command.ts';
import { registerRender } from './commands/render-command.ts';
import { registerSync } from './commands/sync-command.ts';
import { registerValidate } from './commands/validate-command.ts';
import { EXIT } from './exit-codes.ts';
import { registerServe } from './serve/serve-command.ts';

const program = new Command()
  .name('syncwave')
  .description('GitOps for Kubernetes with no controller in the cluster')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride((err) => {
    // Usage errors are exit code 2 (like kubectl), help and version 0.
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.error);
  });

registerServe(program);
registerApp(program);
registerValidate(program);
registerRender(program);
registerSync(program);
registerDiff(program);

await program.parseAsync(process.argv);
