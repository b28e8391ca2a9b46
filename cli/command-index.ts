import type { Command } from 'commander';

/** A top-level command: what `syncwave --help` lists, and how to load the real one. */
export interface CommandEntry {
  name: string;
  /** As commander prints it in the command list (`render [options] <app>`). */
  term: string;
  description: string;
  /** Imports the command's module (and everything it needs) only when it runs. */
  load(): Promise<(program: Command) => void>;
}

/**
 * Every top-level command, in help order. `syncwave --help` loads none of them: start-up stays
 * small (the engine, git and YAML code load only for a command that needs them). The term and
 * description must match the command's own registration (test/unit/cli/command-index.test.ts).
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'serve',
    term: 'serve [options]',
    description:
      'run syncwave locally: webhook endpoint, job queue, workers, drift loop and the API the CLI uses',
    load: async () => (await import('./serve/serve-command.ts')).registerServe,
  },
  {
    name: 'app',
    term: 'app',
    description:
      'apps of a running syncwave serve (--server, env SYNCWAVE_SERVER) or of a deployed AWS stack (--aws, env SYNCWAVE_STACK)',
    load: async () => (await import('./commands/app-command.ts')).registerApp,
  },
  {
    name: 'validate',
    term: 'validate [options]',
    description:
      'check syncwave.yaml (or, without one, the Argo CD Applications) and render every app of every environment (for pull-request checks); exit 1 on any problem',
    load: async () => (await import('./commands/validate-command.ts')).registerValidate,
  },
  {
    name: 'render',
    term: 'render [options] <app>',
    description: 'print the manifests of an app as they would be applied',
    load: async () => (await import('./commands/render-command.ts')).registerRender,
  },
  {
    name: 'sync',
    term: 'sync [options]',
    description:
      'sync an environment (or some apps) once, with no server: waves, health and prune included; every app of the environment unless --app or --automated-only, skipped apps listed with the reason',
    load: async () => (await import('./commands/sync-command.ts')).registerSync,
  },
  {
    name: 'diff',
    term: 'diff [options]',
    description: 'compare Git with the cluster, no server: exit 0 in sync, 1 drift, 2 error',
    load: async () => (await import('./commands/diff-command.ts')).registerDiff,
  },
  {
    name: 'preview',
    term: 'preview [options]',
    description:
      "what merging a revision into an environment's branch would do to its cluster (dry run, nothing written): exit 0 no changes, 1 changes, 2 errors",
    load: async () => (await import('./commands/preview-command.ts')).registerPreview,
  },
  {
    name: 'version',
    term: 'version [options]',
    description: 'print the syncwave version, the commit it was built from, and the helm and kubectl it uses',
    load: async () => (await import('./commands/version-command.ts')).registerVersion,
  },
];

/** The command `argv` (after `node syncwave`) runs, or asks help for (`help <command>`). */
export function commandNamed(argv: readonly string[]): CommandEntry | undefined {
  const [first, second] = argv;
  const name = first === 'help' ? second : first;
  return COMMANDS.find((c) => c.name === name);
}
