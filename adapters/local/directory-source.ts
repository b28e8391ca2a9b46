import { resolve } from 'node:path';
import type { Checkout, Source } from '../../engine/index.ts';

/** The revision name of a plain directory: its files as they are now. */
export const WORKTREE_REVISION = 'worktree';

/**
 * A GitOps repository that is a plain directory (not a git repository): every ref is
 * the directory as it is now. For one-shot commands (`validate`, `render`, `diff`,
 * `sync`) on a folder of manifests.
 */
export class DirectorySource implements Source {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async resolve(): Promise<string> {
    return WORKTREE_REVISION;
  }

  async checkout(): Promise<Checkout> {
    return { dir: this.dir, revision: WORKTREE_REVISION };
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return ancestor === descendant;
  }
}
