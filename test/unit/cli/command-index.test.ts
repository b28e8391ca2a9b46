// The lazy command list of `syncwave --help` must say what the real commands say.
import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandNamed } from '../../../cli/command-index.ts';

describe('COMMANDS', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s: the listed term and description are those of the command it loads',
    async (name, entry) => {
      const program = new Command();
      (await entry.load())(program);
      const real = program.commands.find((c) => c.name() === name);

      expect(real, `${name} registers a command of that name`).toBeDefined();
      const fix = `cli/command-index.ts lists '${name}' unlike its registration: copy the command's own`;
      expect(entry.term, `${fix} term`).toBe(new Help().subcommandTerm(real!));
      expect(entry.description, `${fix} description`).toBe(real!.description());
    },
  );

  it('names each command once', () => {
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
  });
});

describe('commandNamed', () => {
  it('finds the command that runs or that help is asked for, nothing for top-level flags', () => {
    expect(commandNamed(['render', 'frontend'])?.name).toBe('render');
    expect(commandNamed(['help', 'serve'])?.name).toBe('serve');
    expect(commandNamed(['--help'])).toBeUndefined();
    expect(commandNamed(['frob'])).toBeUndefined();
    expect(commandNamed([])).toBeUndefined();
  });
});
