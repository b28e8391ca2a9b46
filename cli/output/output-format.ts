import { stringify } from 'yaml';
import { CliError } from '../cli-error.ts';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Checks the `-o` value; an unknown one says which are known. */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  const format = value ?? 'table';
  if ((OUTPUT_FORMATS as readonly string[]).includes(format)) return format as OutputFormat;
  throw new CliError(`unknown output format "${format}": use one of ${OUTPUT_FORMATS.join(', ')}`);
}

/** The text to print: `data` as JSON or YAML for scripts, `table()` for people. */
export function formatOutput(format: OutputFormat, data: unknown, table: () => string): string {
  if (format === 'json') return JSON.stringify(data, null, 2);
  if (format === 'yaml') return stringify(data).trimEnd();
  return table();
}
