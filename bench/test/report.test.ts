import { describe, expect, it } from 'vitest';
import { staticImports } from '../bundle.js';
import { GOALS, judge, row } from '../goals.js';
import { closingNote, formatTable, markdownTable } from '../report.js';

describe('goals and report', () => {
  it('judges a figure against its goal in the goal’s direction', () => {
    expect(judge(0.98, GOALS.latencyVsProxy)).toBe('met');
    expect(judge(1, GOALS.latencyVsProxy)).toBe('met');
    expect(judge(1.05, GOALS.latencyVsProxy)).toBe('not met');
    expect(judge(1.03, GOALS.computeBoundVsProxy)).toBe('met');
    expect(judge(0.94, GOALS.batchVsDirect)).toBe('not met');
    expect(judge(Number.NaN, GOALS.batchVsDirect)).toBe('n/a');
    expect(judge(undefined, GOALS.batchVsDirect)).toBe('n/a');
    expect(judge(3, undefined)).toBe('info');
  });

  it('prints the goal beside each figure and says which goals are missed and why', () => {
    const rows = [
      row({ section: 'S', name: 'fast', figure: '1.00×', value: 1, goal: GOALS.latencyVsProxy }),
      row({
        section: 'S',
        name: 'slow',
        figure: '2.00×',
        value: 2,
        goal: GOALS.latencyVsProxy,
        note: 'worker hop',
      }),
      row({ section: 'T', name: 'size', figure: '3 KB' }),
    ];
    const table = formatTable(rows);
    expect(table).toContain('≤ 1.00× proxy worker');
    expect(table).toContain('NOT MET');
    const note = closingNote(rows);
    expect(note).toContain('1 met, 1 not met, 0 not measurable');
    expect(note).toContain('Not met: S / slow: 2.00× vs ≤ 1.00× proxy worker (worker hop).');
    expect(markdownTable(rows).split('\n')).toHaveLength(5);
  });
});

describe('static import scan', () => {
  it('finds static imports and re-exports, not dynamic import()', () => {
    const source = [
      'import{a as b}from"./chunk-A.js";',
      "export * from './reexport.js';",
      "import './side-effect.js';",
      'const lazy = () => import("./lazy.js");',
      'import x from "comlink";',
    ].join('\n');
    expect(staticImports(source)).toEqual(['./chunk-A.js', './reexport.js', './side-effect.js']);
  });
});
