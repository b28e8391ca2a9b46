/**
 * One row of `npm run bench`: a measured value beside its target. bench-results.json at the
 * repository root is a list of these.
 */
export interface BenchResult {
  /** `<benchmark>` or `<benchmark>/<what>`: startup/cli, bundle/webhook-size, throughput, ... */
  name: string;
  value: number;
  unit: string;
  /** `< 150`, `<= 0.5`, ...; null for a value reported without a target. */
  target: string | null;
  /** Whether value meets target; null when there is no target. */
  met: boolean | null;
  /** How it was measured (runs, median, sizes), for the table. */
  note?: string;
}

const COMPARISONS = {
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
} as const;

export type Comparison = keyof typeof COMPARISONS;

/** A row with a target: `met` is computed, never written by hand. */
export function result(
  name: string,
  value: number,
  unit: string,
  target?: { op: Comparison; value: number },
  note?: string,
): BenchResult {
  return {
    name,
    value,
    unit,
    target: target ? `${target.op} ${target.value}` : null,
    met: target ? COMPARISONS[target.op](value, target.value) : null,
    ...(note ? { note } : {}),
  };
}

/** The median of some numbers (the upper one of the two middle values). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no values');
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/** Rows as an aligned text table. */
export function resultTable(rows: readonly BenchResult[]): string {
  const cells = rows.map((r) => [
    r.name,
    `${Number.isInteger(r.value) ? r.value : r.value.toFixed(2)} ${r.unit}`,
    r.target ? `${r.target} ${r.unit}` : '',
    r.met === null ? '' : r.met ? 'met' : 'MISSED',
    r.note ?? '',
  ]);
  const header = ['name', 'value', 'target', '', 'how'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return [header, ...cells]
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
