import { ModelToolsError } from '../errors.js';

export interface NumericTable {
  header: string[] | undefined;
  rows: Float32Array[];
}

/** Parses a CSV of numbers; the first line is a header when any of its cells is not a number. */
export function parseNumericCsv(text: string, source: string): NumericTable {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0)
    throw new ModelToolsError('BAD_ARGUMENT', `${source} is empty: expected rows of numbers`);
  const cells = (line: string) => line.split(',').map((c) => c.trim());
  const first = cells(lines[0]!);
  const header = first.some((c) => c === '' || Number.isNaN(Number(c))) ? first : undefined;
  const body = header ? lines.slice(1) : lines;
  const width = first.length;
  const rows = body.map((line, i) => {
    const values = cells(line);
    const lineNo = i + (header ? 2 : 1);
    if (values.length !== width) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `${source}:${lineNo} has ${values.length} columns, expected ${width}`,
      );
    }
    const row = new Float32Array(width);
    values.forEach((v, j) => {
      const n = Number(v);
      if (v === '' || Number.isNaN(n)) {
        throw new ModelToolsError(
          'BAD_ARGUMENT',
          `${source}:${lineNo} column ${j + 1} is "${v}", expected a number`,
        );
      }
      row[j] = n;
    });
    return row;
  });
  return { header, rows };
}

export function toCsvLine(values: (string | number)[]): string {
  return values
    .map((v) => (typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v))
    .join(',');
}
