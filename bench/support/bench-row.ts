/** One measured target, as bench-results.json lists it. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The target, for people: '<= 0.5x kubectl', '< 10 s', '= 0'. */
  target: string;
  met: boolean;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : Number.NaN;
};

export const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number) : Number.NaN;
};

/** Prints rows as a table, with the machine's load next to them (numbers on a shared machine are noisy). */
export function printRows(title: string, rows: readonly BenchRow[]): void {
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  console.log(`\n${title}`);
  for (const r of rows) {
    const value = Number.isInteger(r.value) ? String(r.value) : r.value.toFixed(r.value < 10 ? 2 : 0);
    console.log(
      `  ${r.name.padEnd(width)}  ${`${value} ${r.unit}`.padStart(14)}  target ${r.target.padEnd(22)} ${r.met ? 'met' : 'MISSED'}`,
    );
  }
}

/** Load averages, to print beside medians. */
export async function loadAverage(): Promise<string> {
  const { loadavg, cpus } = await import('node:os');
  return `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${cpus().length} cores`;
}
