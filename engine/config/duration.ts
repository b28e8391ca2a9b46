/** "90s" | "5m" | "1h" | seconds -> seconds. */
export function parseDurationSeconds(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)(s|m|h)$/.exec(value.trim());
  if (!match)
    throw new Error(`invalid duration "${value}": expected a number followed by s, m or h (e.g. 90s, 5m)`);
  const n = Number(match[1]);
  return match[2] === 'h' ? n * 3600 : match[2] === 'm' ? n * 60 : n;
}
