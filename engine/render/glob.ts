/**
 * A glob as a RegExp over '/'-separated relative paths: `*` and `?` stay inside one path
 * segment, `**` crosses segments, `{a,b}` is either. A pattern without '/' matches the file name
 * anywhere (Argo CD's `*.yaml` habit).
 */
export function globToRegExp(pattern: string, opts: { style?: GlobStyle } = {}): RegExp {
  if (opts.style === 'argocd') return argoGlobToRegExp(pattern);
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

/** `syncwave`: the rules above (syncwave.yaml). `argocd`: Argo CD's, for Application directories. */
export type GlobStyle = 'syncwave' | 'argocd';

/**
 * Argo CD's directory `include`/`exclude`: gobwas/glob compiled without separators, matched
 * against the whole app-relative path (reposerver's findManifests). So `*` and `?` cross '/'
 * (`env-usw2/*` takes `env-usw2/nested/a.yaml`), and a pattern is anchored at the app path
 * (`config.yaml` is only the top-level file). `{a,b}`, `[abc]`, `[!a]` and `\` escapes as gobwas
 * reads them. Written by hand: the JavaScript glob libraries all treat '/' as a separator.
 */
function argoGlobToRegExp(pattern: string): RegExp {
  let re = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) re += escapeChar(pattern[++i] as string);
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end);
        const negate = body.startsWith('!');
        const chars = (negate ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&');
        re += `[${negate ? '^' : ''}${chars}]`;
        i = end;
      }
    } else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else re += escapeChar(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function escapeChar(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
