/**
 * Loads Node's built-in `node:sqlite` once, without printing its ExperimentalWarning
 * (every other warning passes through untouched).
 */
type SqliteModule = typeof import('node:sqlite');

let loading: Promise<SqliteModule> | undefined;

export function loadSqlite(): Promise<SqliteModule> {
  loading ??= importQuietly();
  return loading;
}

async function importQuietly(): Promise<SqliteModule> {
  const original = process.emitWarning;
  const filtered = (warning: string | Error, ...rest: unknown[]): void => {
    const first = rest[0];
    const type = typeof first === 'string' ? first : (first as { type?: string } | undefined)?.type;
    if (type === 'ExperimentalWarning' && String(warning).includes('SQLite')) return;
    (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  try {
    return await import('node:sqlite');
  } finally {
    process.emitWarning = original;
  }
}
