import { stripVTControlCharacters } from 'node:util';

export interface TableColumn<Row> {
  header: string;
  value: (row: Row) => string;
}

/** A plain table like kubectl's: upper-case headers, columns padded by three spaces, colour-safe widths. */
export function renderTable<Row>(columns: ReadonlyArray<TableColumn<Row>>, rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => visibleLength(r[i] ?? ''))));
  const line = (values: string[]): string =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v + ' '.repeat((widths[i] ?? 0) - visibleLength(v) + 3)))
      .join('')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

function visibleLength(text: string): number {
  return stripVTControlCharacters(text).length;
}
