import { describe, expect, it } from 'vitest';
import { median, pairedRatio, perSecond, quantile, roundOrder, summarize } from '../stats.js';

describe('bench stats', () => {
  it('takes nearest-rank quantiles of an unsorted list', () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(median(xs)).toBe(5);
    expect(quantile(xs, 0.95)).toBe(10);
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
    expect(summarize([3, 1, 2])).toEqual({ median: 2, p95: 3, n: 3 });
  });

  it('does not reorder the caller’s samples', () => {
    const xs = [3, 1, 2];
    quantile(xs, 0.5);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('pairs rounds for ratios, so a drift shared by both sides cancels', () => {
    // Every round is slower than the last, for both sides alike; ours is always 1.1× theirs.
    const theirs = [1, 2, 4, 8, 16];
    const ours = theirs.map((t) => t * 1.1);
    expect(pairedRatio(ours, theirs)).toBeCloseTo(1.1, 10);
    expect(pairedRatio([1, 2], [0, 1])).toBe(2);
    expect(pairedRatio([], [])).toBeNaN();
  });

  it('turns a count and a duration into a rate', () => {
    expect(perSecond(64, 2)).toBe(32_000);
    expect(perSecond(1, 0)).toBeNaN();
  });

  it('rotates the contenders so each goes first in turn', () => {
    expect(roundOrder(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(roundOrder(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(roundOrder(['a', 'b', 'c'], 5)).toEqual(['c', 'a', 'b']);
    expect(roundOrder([], 3)).toEqual([]);
  });
});
