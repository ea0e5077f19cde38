import { describe, expect, it } from 'vitest';
import { replaceSection, sections } from '../readme-section.js';
import { type SoakWindow, slope, soakVerdict } from '../soak-verdict.js';

const window = (i: number, over: Partial<SoakWindow> = {}): SoakWindow => ({
  atSeconds: 30 * (i + 1),
  eventsPerSecond: 2500,
  latencyP50Ms: 5,
  latencyP99Ms: 20,
  non2xx: 0,
  rssMiB: [150, 150],
  databaseMiB: 10 + i * 40,
  eventsStored: (i + 1) * 75_000,
  ...over,
});

describe('soak verdict', () => {
  it('fits the least-squares slope', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2);
    expect(slope([1, 1], [2, 5])).toBe(0);
  });

  it('calls a steady run flat, leaving the warm-up window out', () => {
    // The first window's RSS and p99 are start-up, far from the rest.
    const windows = Array.from({ length: 20 }, (_, i) =>
      window(i, i === 0 ? { rssMiB: [60, 60], latencyP99Ms: 400 } : {}),
    );
    const v = soakVerdict(windows);
    expect(v.flat).toEqual({ rss: true, p99: true, databasePerEvent: true });
    expect(v.rssSlopeMiBPer10Min).toEqual([0, 0]);
    expect(v.bytesPerEventFirstThird).toBe(v.bytesPerEventLastThird);
    expect(v.lines.join('\n')).not.toMatch(/NOT flat/);
  });

  it('catches a leak, a latency that climbs, and rows that grow faster per event', () => {
    const windows = Array.from({ length: 20 }, (_, i) =>
      window(i, {
        // +3 MiB a window is +60 MiB per 10 minutes on ~180 MiB: more than 10%.
        rssMiB: [150 + 3 * i, 150],
        latencyP99Ms: 20 + 5 * i,
        databaseMiB: 10 + i * 40 + (i > 13 ? (i - 13) * 40 : 0),
      }),
    );
    const v = soakVerdict(windows);
    expect(v.flat).toEqual({ rss: false, p99: false, databasePerEvent: false });
    expect(v.rssSlopeMiBPer10Min[0]).toBeCloseTo(60, 0);
    expect(v.rssSlopeMiBPer10Min[1]).toBe(0);
    expect(v.lines[0]).toMatch(/replica 1 \+60 MiB per 10 min.*NOT flat/);
  });

  it('needs three windows', () => {
    expect(() => soakVerdict([window(0), window(1)])).toThrow(/at least 3 windows/);
  });
});

describe('README sections', () => {
  it('replaces a section in place and appends one that is missing', () => {
    const base = '# Benchmarks\n\ntable\n';
    const once = replaceSection(base, 'replicas', '## Replicas\nfirst');
    expect(once).toBe(
      '# Benchmarks\n\ntable\n\n<!-- section:replicas -->\n## Replicas\nfirst\n<!-- /section:replicas -->\n',
    );
    const twice = replaceSection(`${once}tail\n`, 'replicas', '## Replicas\nsecond');
    expect(twice).toContain('second');
    expect(twice).not.toContain('first');
    expect(twice.endsWith('tail\n')).toBe(true);
    expect(sections(twice)).toEqual([
      '<!-- section:replicas -->\n## Replicas\nsecond\n<!-- /section:replicas -->',
    ]);
  });
});
