import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type PolicySet, parseDestinationPolicy } from '../../engine/index.ts';
import { CliError } from '../cli-error.ts';

/** `--policy FILE`: the operator's destination policy, outside the repository; undefined without the flag. */
export async function loadPolicy(file: string | undefined): Promise<PolicySet | undefined> {
  if (file === undefined) return undefined;
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(
      `--policy ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}); see docs/security.md for the format`,
    );
  }
  const parsed = parseDestinationPolicy(text, path);
  if (!parsed.ok) throw new CliError(`--policy ${parsed.message}`);
  return parsed.policy;
}
