// Hand-made git objects for hostile trees that `git add` would never produce (a name twice in
// one tree, a symlink and a directory of the same name): written with real git
// (`git hash-object --literally`, `git commit-tree`) into a real repository.
import { execFileSync } from 'node:child_process';

export interface RawEntry {
  mode: '100644' | '100755' | '120000' | '40000';
  name: string;
  /** 40-hex object id. */
  oid: string;
}

function git(gitdir: string, args: string[], input?: Buffer | string): string {
  return execFileSync('git', ['--git-dir', gitdir, ...args], { input, encoding: 'utf8' }).trim();
}

export function initBare(gitdir: string): void {
  execFileSync('git', ['init', '--quiet', '--bare', gitdir]);
}

export function blob(gitdir: string, content: string): string {
  return git(gitdir, ['hash-object', '-w', '--stdin'], content);
}

/** A tree object holding exactly these entries, in this order, unchecked. */
export function tree(gitdir: string, entries: RawEntry[]): string {
  const parts = entries.map((e) =>
    Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.oid, 'hex')]),
  );
  return git(gitdir, ['hash-object', '-w', '-t', 'tree', '--literally', '--stdin'], Buffer.concat(parts));
}

/** A commit of `treeOid` on `branch`; returns its SHA. */
export function commit(gitdir: string, treeOid: string, branch = 'develop'): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
  const sha = execFileSync('git', ['--git-dir', gitdir, 'commit-tree', treeOid, '-m', 'hostile'], {
    encoding: 'utf8',
    env,
  }).trim();
  git(gitdir, ['update-ref', `refs/heads/${branch}`, sha]);
  return sha;
}
