import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Resolves `rel` against `base` and answers undefined when the result leaves `root` (the
 * checkout): app paths and value files may not read outside the repository.
 */
export function resolveInside(root: string, base: string, rel: string): string | undefined {
  const abs = resolve(base, rel);
  const fromRoot = relative(root, abs);
  if (fromRoot === '') return abs;
  if (fromRoot.startsWith(`..${sep}`) || fromRoot === '..' || isAbsolute(fromRoot)) return undefined;
  return abs;
}

/** The repository-relative form of an absolute path inside the checkout, '/'-separated. */
export function repoRelative(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/') || '.';
}

/** Replaces absolute checkout/work paths in a tool's message with repository-relative ones. */
export function scrubPaths(text: string, replacements: Array<[from: string, to: string]>): string {
  let out = text;
  for (const [from, to] of replacements) out = out.replaceAll(`${from}/`, to === '.' ? '' : `${to}/`);
  for (const [from, to] of replacements) out = out.replaceAll(from, to);
  return out;
}
