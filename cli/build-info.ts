import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** What `syncwave version` says about syncwave itself. */
export interface BuildInfo {
  version: string;
  /** The git commit built from, or `unknown` when built outside a git checkout. */
  commit: string;
  /** Files differed from `commit` when it was built (or, from sources, differ now). */
  dirty: boolean;
  /** ISO time of the build; absent when running the TypeScript sources. */
  builtAt?: string;
}

/** Replaced by the bundle's build info at build time (scripts/build.ts, esbuild `define`). */
declare const SYNCWAVE_BUILD_INFO: BuildInfo | undefined;

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', args, { cwd, timeout: 5000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** The bundle's embedded info; running from a clone's sources, package.json and the checkout's HEAD. */
export async function buildInfo(): Promise<BuildInfo> {
  if (typeof SYNCWAVE_BUILD_INFO !== 'undefined') return SYNCWAVE_BUILD_INFO;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { version } = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { version: string };
  const commit = await git(root, ['rev-parse', 'HEAD']);
  if (!commit) return { version, commit: 'unknown', dirty: false };
  const status = await git(root, ['status', '--porcelain', '--untracked-files=no']);
  return { version, commit, dirty: Boolean(status) };
}

/** `0.1.0 (commit 1a2b3c4d5e6f, dirty)`. */
export function describeBuild(info: BuildInfo): string {
  const commit = info.commit === 'unknown' ? 'commit unknown' : `commit ${info.commit.slice(0, 12)}`;
  return `${info.version} (${commit}${info.dirty ? ', dirty' : ''}${info.builtAt ? `, built ${info.builtAt}` : ''})`;
}
