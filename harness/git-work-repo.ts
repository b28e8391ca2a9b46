// A working git repository for tests and the demo, driven by the real git binary
// (asynchronously, so it can talk to harness/git-server.ts in another process).

import { execFile } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const IDENTITY = {
  GIT_AUTHOR_NAME: 'syncwave test',
  GIT_AUTHOR_EMAIL: 'test@syncwave.invalid',
  GIT_COMMITTER_NAME: 'syncwave test',
  GIT_COMMITTER_EMAIL: 'test@syncwave.invalid',
};

export interface CreateWorkRepoOptions {
  /** Where the working tree goes (created). */
  dir: string;
  /** Files to start from (copied recursively); an empty first commit when absent. */
  from?: string;
  /** Bare repository directory to create and push to (e.g. `<server root>/gitops.git`). */
  bareDir?: string;
  /** Remote URL pushed to (`${server.url}/gitops.git`); `bareDir` as a path when absent. */
  remoteUrl?: string;
  /** Branches created at the first commit and pushed; ['develop', 'main'] when absent. */
  branches?: string[];
  message?: string;
}

/** A working repository with an `origin` remote. */
export class GitWorkRepo {
  constructor(readonly dir: string) {}

  /** Runs git in the working tree; resolves with trimmed stdout. */
  async git(...args: string[]): Promise<string> {
    const { stdout } = await run('git', args, {
      cwd: this.dir,
      env: { ...process.env, ...IDENTITY, GIT_TERMINAL_PROMPT: '0' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim();
  }

  /** Writes a file (creating parent directories), relative to the working tree. */
  async write(path: string, content: string): Promise<void> {
    const file = join(this.dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }

  /** Stages everything and commits; resolves with the new commit SHA. */
  async commitAll(message: string): Promise<string> {
    await this.git('add', '-A');
    await this.git('commit', '--allow-empty', '-q', '-m', message);
    return this.head();
  }

  async head(ref = 'HEAD'): Promise<string> {
    return this.git('rev-parse', ref);
  }

  async checkout(branch: string): Promise<void> {
    await this.git('checkout', '-q', branch);
  }

  /** Pushes branches (the current one when none given) to origin. */
  async push(...branches: string[]): Promise<void> {
    const refs = branches.length > 0 ? branches : [await this.git('branch', '--show-current')];
    await this.git('push', '-q', 'origin', ...refs.map((b) => `${b}:${b}`));
  }
}

/** init, copy `from`, commit, create the branches at that commit and push them. */
export async function createWorkRepo(opts: CreateWorkRepoOptions): Promise<GitWorkRepo> {
  const branches = opts.branches ?? ['develop', 'main'];
  const [first = 'main'] = branches;
  await mkdir(opts.dir, { recursive: true });
  if (opts.from) await cp(opts.from, opts.dir, { recursive: true });
  const repo = new GitWorkRepo(opts.dir);
  await repo.git('init', '-q', '-b', first);
  await repo.git('config', 'commit.gpgsign', 'false');
  await repo.commitAll(opts.message ?? 'initial commit');
  for (const branch of branches.slice(1)) await repo.git('branch', branch);
  if (opts.bareDir) {
    await mkdir(opts.bareDir, { recursive: true });
    await run('git', ['init', '-q', '--bare', '-b', first, opts.bareDir]);
  }
  const remote = opts.remoteUrl ?? opts.bareDir;
  if (remote) {
    await repo.git('remote', 'add', 'origin', remote);
    await repo.push(...branches);
  }
  return repo;
}
