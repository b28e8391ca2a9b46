import type { Environment, Source } from '../../engine/index.ts';
import { shortRevision } from '../../engine/index.ts';
import { HttpError } from './http-io.ts';

/**
 * The revision a manual sync may queue: the environment's branch itself, or a commit reachable
 * from its tip. Anything else (another branch, a commit only on a feature branch) is refused
 * unless `allowForeign`, and is then queued as the commit SHA it resolves to now, so moving that
 * other ref later cannot change what was approved.
 */
export async function revisionOnBranch(input: {
  source: Source;
  env: Pick<Environment, 'name' | 'branch'>;
  revision: string;
  allowForeign: boolean;
}): Promise<string> {
  const { source, env, revision } = input;
  if (revision === env.branch || revision === `refs/heads/${env.branch}`) return revision;
  const sha = await source.resolve(revision).catch((err: unknown) => {
    throw new HttpError(400, `revision ${revision}: ${(err as Error).message}`);
  });
  const tip = await source.resolve(env.branch);
  if (await source.isAncestor(sha, tip)) return sha;
  if (input.allowForeign) return sha;
  throw new HttpError(
    400,
    `revision ${revision} (${shortRevision(sha)}) is not on branch ${env.branch} of environment ${env.name}: merge it first, or pass --allow-foreign-revision to sync it anyway`,
  );
}
