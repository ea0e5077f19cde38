// The printed table, its closing note, and bench/README.md, all from the same rows.
import type { Row } from './goals.js';

const MARK: Record<Row['verdict'], string> = { met: 'met', 'not met': 'NOT MET', 'n/a': 'n/a', info: '' };

export function formatTable(rows: readonly Row[]): string {
  const widths = [36, 34, 22, 8];
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  let section = '';
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      out.push('', section, line(['  figure', 'value', 'goal', 'verdict']));
    }
    out.push(line([`  ${r.name}`, r.figure, r.goal?.label ?? '', MARK[r.verdict]]));
    if (r.note) out.push(`    ↳ ${r.note}`);
  }
  return out.join('\n');
}

/** Which goals are met, which are not, with each row's note as the why. */
export function closingNote(rows: readonly Row[]): string {
  const judged = rows.filter((r) => r.goal);
  const met = judged.filter((r) => r.verdict === 'met');
  const missed = judged.filter((r) => r.verdict === 'not met');
  const unknown = judged.filter((r) => r.verdict === 'n/a');
  const name = (r: Row) => `${r.section} / ${r.name}`;
  const out = [`Goals: ${met.length} met, ${missed.length} not met, ${unknown.length} not measurable here.`];
  if (met.length) out.push(`Met: ${met.map(name).join('; ')}.`);
  for (const r of missed)
    out.push(`Not met: ${name(r)}: ${r.figure} vs ${r.goal?.label}${r.note ? ` (${r.note})` : ''}.`);
  for (const r of unknown) out.push(`Not measurable: ${name(r)}${r.note ? `: ${r.note}` : ''}.`);
  return out.join('\n');
}

export function markdownTable(rows: readonly Row[]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const out = ['| section | figure | value | goal | verdict |', '|---|---|---|---|---|'];
  for (const r of rows) {
    out.push(
      `| ${esc(r.section)} | ${esc(r.name)} | ${esc(r.figure)} | ${esc(r.goal?.label ?? '')} | ${MARK[r.verdict]} |`,
    );
  }
  return out.join('\n');
}
