import { Command } from 'commander';

const program = new Command()
  .name('syncwave')
  .description('GitOps for Kubernetes with no controller in the cluster')
  .version('0.1.0');

await program.parseAsync(process.argv);
