/**
 * A glob as a RegExp over '/'-separated relative paths: `*` and `?` stay inside one path
 * segment, `**` crosses segments, `{a,b}` is either. A pattern without '/' matches the file name
 * anywhere (Argo CD's `*.yaml` habit).
 */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*' && pattern[i + 2] === '/') {
        i += 2;
        re += '(?:.*/)?';
      } else if (pattern[i + 1] === '*') {
        i++;
        re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  const anchored = pattern.includes('/') ? `^${re}$` : `^(?:.*/)?${re}$`;
  return new RegExp(anchored);
}
