/** RFC 6901: '/spec/template/metadata/annotations/a~1b' -> ['spec', 'template', 'metadata', 'annotations', 'a/b']. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new Error(`JSON pointer "${pointer}" does not start with '/': write it like /spec/replicas`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function isIndex(token: string, length: number): boolean {
  return /^(0|[1-9][0-9]*)$/.test(token) && Number(token) < length;
}

/**
 * Removes the value a pointer names, in place (an array element is spliced out, as a JSON
 * Patch `remove` does). Returns false, changing nothing, when the pointer names nothing.
 */
export function removeAtPointer(doc: unknown, pointer: string): boolean {
  const tokens = parseJsonPointer(pointer);
  const last = tokens.pop();
  if (last === undefined) return false;
  let parent: unknown = doc;
  for (const token of tokens) {
    if (Array.isArray(parent)) parent = isIndex(token, parent.length) ? parent[Number(token)] : undefined;
    else if (parent !== null && typeof parent === 'object')
      parent = (parent as Record<string, unknown>)[token];
    else return false;
  }
  if (Array.isArray(parent)) {
    if (!isIndex(last, parent.length)) return false;
    parent.splice(Number(last), 1);
    return true;
  }
  if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, last)) return false;
  delete (parent as Record<string, unknown>)[last];
  return true;
}
