import type { Command } from 'commander';
import { type BuildInfo, buildInfo, describeBuild } from '../build-info.ts';
import { EXIT } from '../exit-codes.ts';
import { type ToolVersion, toolVersions } from '../local/tool-versions.ts';
import { formatOutput } from '../output/output-format.ts';
import { action, addOutputOption, formatOf, print } from './command-kit.ts';

interface VersionReport extends BuildInfo {
  node: string;
  tools: ToolVersion[];
}

function table(report: VersionReport): string {
  return [
    `syncwave  ${describeBuild(report)}`,
    ...report.tools.map((t) => `${t.name.padEnd(8)}  ${t.version}  (${t.path})`),
    `node      ${report.node}`,
  ].join('\n');
}

/** `syncwave version` (and `syncwave --version`): syncwave, the commit it was built from, helm, kubectl, node. */
export function registerVersion(program: Command): void {
  addOutputOption(
    program
      .command('version')
      .description(
        'print the syncwave version, the commit it was built from, and the helm and kubectl it uses',
      ),
  ).action(
    action(async (flags: { output: string }) => {
      const format = formatOf(flags);
      const [info, tools] = await Promise.all([buildInfo(), toolVersions()]);
      const report: VersionReport = { ...info, node: process.version, tools };
      print(formatOutput(format, report, () => table(report)));
      return tools.every((t) => t.ok) ? EXIT.ok : EXIT.error;
    }),
  );
}
