import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openSource } from '../../adapters/git/open-source.ts';
import type { Source } from '../../engine/ports.ts';
import { CliError } from '../cli-error.ts';
import { loadRepoConfig, type RepoConfig } from '../engine-api.ts';
import { EXIT } from '../exit-codes.ts';

export interface OpenedRepo {
  source: Source;
  revision: string;
  dir: string;
  config: RepoConfig;
  cacheDir: string;
}

/**
 * `--repo URL|PATH` at a ref, checked out and with syncwave.yaml loaded. An invalid
 * syncwave.yaml is exit code 1 (the repository's problem), an unreadable repository 2.
 */
export async function openRepo(opts: { repo: string; ref: string; dataDir: string }): Promise<OpenedRepo> {
  const cacheDir = join(resolve(opts.dataDir), 'cache');
  await mkdir(cacheDir, { recursive: true });
  const source = await openSource({ repo: opts.repo, cacheDir, env: process.env });
  const revision = await source.resolve(opts.ref);
  const { dir } = await source.checkout(revision);
  const loaded = await loadRepoConfig(dir);
  if (!loaded.ok) {
    throw new CliError(
      `syncwave.yaml at ${revision.slice(0, 7)} is invalid:\n  ${loaded.errors.join('\n  ')}`,
      EXIT.notOk,
    );
  }
  return { source, revision, dir, config: loaded.config, cacheDir };
}

/** The environment named by --env, or a message listing the declared ones. */
export function environmentOf(config: RepoConfig, name: string | undefined) {
  const names = config.environments.map((e) => e.name).join(', ');
  if (!name) throw new CliError(`--env is required: one of ${names}`);
  const env = config.environments.find((e) => e.name === name);
  if (!env) throw new CliError(`no environment "${name}" in syncwave.yaml; declared: ${names}`);
  return env;
}
