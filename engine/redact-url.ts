/**
 * A URL with its userinfo (`user:token@`) taken out, for messages, logs and records; any other
 * text is returned as it is. Pure string work (no URL parsing of non-URLs), so it can run on
 * whatever a repository names in an Application's repoURL.
 */
export function redactUrl(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s"'<>\\]*@/gi, '$1');
}
