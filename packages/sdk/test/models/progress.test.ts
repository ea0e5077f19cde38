import { describe, expect, it } from 'vitest';
import { PhaseReporter, PROGRESS_INTERVAL_MS, type Progress } from '../../src/models/progress.js';

function reporter(total: number) {
  const seen: Progress[] = [];
  let now = 0;
  const phase = new PhaseReporter(
    'download',
    total,
    (p) => seen.push(p),
    new Map(),
    () => now,
  );
  return { seen, phase, advance: (ms: number) => (now += ms) };
}

describe('PhaseReporter', () => {
  it('reports at most once per interval, and always the first and the last', () => {
    const { seen, phase, advance } = reporter(1_000_000);
    phase.report(0);
    for (let i = 1; i <= 1000; i++) {
      advance(1);
      phase.report(i * 1000);
    }
    // 1 s of reports every 1 ms: the first, then one per 100 ms, then the last (at the total).
    expect(seen.length).toBeLessThanOrEqual(1 + 1000 / PROGRESS_INTERVAL_MS + 1);
    expect(seen[0]).toEqual({ loaded: 0, total: 1_000_000, phase: 'download' });
    expect(seen.at(-1)).toMatchObject({ loaded: 1_000_000, total: 1_000_000 });
  });

  it('gives the rate of this load and the time left, counting from where a resumed download began', () => {
    const { seen, phase, advance } = reporter(1_000_000);
    phase.report(400_000); // already stored: resumed
    advance(1000);
    phase.report(600_000);
    expect(seen.at(-1)).toEqual({
      loaded: 600_000,
      total: 1_000_000,
      phase: 'download',
      rate: 200_000,
      etaMs: 2000,
    });
  });

  it('never goes down, even across retries that report smaller numbers', () => {
    const { seen, phase, advance } = reporter(100);
    phase.report(50);
    advance(200);
    phase.report(20);
    advance(200);
    phase.report(70);
    expect(seen.map((p) => p.loaded)).toEqual([50, 70]);
  });
});
