import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isRemoteRepo, openSource } from '../../adapters/git/open-source.ts';
import { DirectorySource } from '../../adapters/local/directory-source.ts';
import type { Environment, Source } from '../../engine/index.ts';
import { shortRevision } from '../../engine/index.ts';
import { CliError } from '../cli-error.ts';
import { loadRepoConfig, type RepoConfig, renderForConfig } from '../engine-api.ts';
import { EXIT } from '../exit-codes.ts';
import { lazyTools } from './create-engine-deps.ts';

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
  const cacheDir = join(await ensureDataDir(opts.dataDir), 'cache');
  await mkdir(cacheDir, { recursive: true });
  const source = await openLocalOrRemote(opts.repo, cacheDir);
  const revision = await resolveRef(source, opts.ref);
  const checkout = await source.checkout(revision);
  const { dir } = checkout;
  const loaded = await loadRepoConfig(dir, {
    render: renderForConfig(checkout, { tools: lazyTools(join(cacheDir, 'home')), cacheDir }),
  });
  if (!loaded.ok) {
    throw new CliError(
      `${loaded.subject} at ${shortRevision(revision)} is invalid (fix it and try again):\n  ${loaded.errors.join('\n  ')}`,
      EXIT.notOk,
    );
  }
  return { source, revision, dir, config: loaded.config, cacheDir };
}

/**
 * The data directory (state with rendered Secrets, caches), made 0700 when it is created, with
 * a `.gitignore` of `*` in it: its default, `.syncwave/data`, is under the working directory,
 * which is often the GitOps repository itself, where `git add -A` would commit it. A directory
 * that already exists is left as it is (`--data-dir .` must not hide a repository from git).
 */
export async function ensureDataDir(dataDir: string): Promise<string> {
  const dir = resolve(dataDir);
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined)
    await writeFile(join(dir, '.gitignore'), '# syncwave state and caches: never commit them\n*\n', {
      mode: 0o600,
    });
  return dir;
}

async function openLocalOrRemote(repo: string, cacheDir: string): Promise<Source> {
  if (isRemoteRepo(repo)) return openSource({ repo, cacheDir, env: process.env });
  const dir = resolve(repo);
  const stats = await stat(dir).catch(() => undefined);
  if (!stats?.isDirectory())
    throw new CliError(`--repo ${repo}: no such directory; pass a path to the GitOps repository or its URL`);
  const insideGit = await stat(join(dir, '.git')).then(
    () => true,
    () => false,
  );
  return insideGit ? openSource({ repo, cacheDir, env: process.env }) : new DirectorySource(dir);
}

/**
 * A ref as a person means it: a local branch, else the branch of `origin` (a fresh clone
 * has only its default branch locally), else HEAD with a note (a one-branch repository).
 */
async function resolveRef(source: Source, ref: string): Promise<string> {
  try {
    return await source.resolve(ref);
  } catch (error) {
    if (ref === 'HEAD' || /^[0-9a-f]{7,40}$/.test(ref)) throw error;
    try {
      return await source.resolve(`origin/${ref}`);
    } catch {
      process.stderr.write(`note: branch ${ref} not found locally or on origin; using HEAD\n`);
      return source.resolve('HEAD');
    }
  }
}

/** The environment named by --env, or a message listing the declared ones. */
export function environmentOf(config: RepoConfig, name: string | undefined) {
  const names = config.environments.map((e) => e.name).join(', ');
  if (!name) throw new CliError(`--env is required: one of ${names}`);
  const env = config.environments.find((e) => e.name === name);
  if (!env) throw new CliError(`no environment "${name}" in ${config.subject}; declared: ${names}`);
  return env;
}

/**
 * The repository as an environment sees it: --revision when given, else the tip of the
 * environment's branch (its config read at HEAD first to find the branch). --env may be
 * left out when the repository declares one environment.
 */
export async function openEnvironment(opts: {
  repo: string;
  env?: string;
  revision?: string;
  dataDir: string;
}): Promise<{ repo: OpenedRepo; env: Environment }> {
  const first = await openRepo({ repo: opts.repo, ref: opts.revision ?? 'HEAD', dataDir: opts.dataDir });
  const only = first.config.environments.length === 1 ? first.config.environments[0]?.name : undefined;
  const env = environmentOf(first.config, opts.env ?? only);
  if (opts.revision) return { repo: first, env };
  const repo = await openRepo({ repo: opts.repo, ref: env.branch, dataDir: opts.dataDir });
  return { repo, env: repo.config.environment(env.name) ?? env };
}
