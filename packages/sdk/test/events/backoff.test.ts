import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, parseRetryAfter } from '../../src/events/backoff.js';

describe('backoff schedule', () => {
  const options = { baseMs: 1000, maxMs: 30_000, factor: 2 };

  it('doubles the ceiling per attempt up to maxMs, waiting between half of it and all of it', () => {
    const lowest = [0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, options, () => 0));
    const highest = [0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, options, () => 0.999_999));
    expect(lowest).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
    expect(highest.map(Math.round)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('spreads retries of clients that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, options, Math.random)));
    expect(delays.size).toBeGreaterThan(40);
    for (const d of delays) expect(d >= 4000 && d < 8000).toBe(true);
  });

  it('defaults to 1 s doubling to a 60 s ceiling', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 1000, maxMs: 60_000, factor: 2 });
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
