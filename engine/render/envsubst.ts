/**
 * Argo CD's Envsubst (Go's os.Expand): `${NAME}` and `$NAME` become the variable's value, or ''
 * when unknown; `$$` is a `$`; `${}` and other bad `${...}` are dropped; a `$` followed by
 * nothing a name can start with is kept. Written by hand: a dozen lines of Go's semantics.
 */
export function envsubst(text: string, vars: Readonly<Record<string, string>>): string {
  const value = (name: string) => (Object.hasOwn(vars, name) ? (vars[name] as string) : '');
  return text.replace(
    /\$(?:\{([^}]*)\}|(\{)|([*#$@!?\-0-9])|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_whole, braced?: string, open?: string, special?: string, bare?: string) => {
      if (braced !== undefined) return braced === '' ? '' : value(braced);
      if (open !== undefined) return ''; // "${" never closed: Go eats the two characters
      if (special === '$') return '$';
      return value(bare ?? special ?? '');
    },
  );
}
