/**
 * Argo CD's glob for destination namespaces and resource kinds: `*` any run of characters, `?`
 * one character, everything else literal; the whole name must match. (Hand-written: the names
 * it sees are DNS labels and kinds, with no path separators, so a path glob library adds nothing.)
 */
export function matchGlob(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}
