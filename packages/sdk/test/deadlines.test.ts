import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from '../src/deadlines.js';

const never = () => new Promise<never>(() => {});
const late = () => new Error('late');

describe('Deadlines', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles as the work does, and forgets it', async () => {
    const deadlines = new Deadlines();
    await expect(deadlines.bound(Promise.resolve(7), 1000, late)).resolves.toBe(7);
    await expect(deadlines.bound(Promise.reject(new Error('no')), 1000, late)).rejects.toThrow('no');
    expect(deadlines.size).toBe(0);
  });

  it('rejects a wait that outlives its bound, with the error it was given', async () => {
    const deadlines = new Deadlines();
    const waiting = deadlines.bound(never(), 1000, late);
    const outcome = waiting.catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(999);
    expect(deadlines.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe('late');
    expect(deadlines.size).toBe(0);
  });

  it('keeps one timer for many waits, and fires a shorter bound added after a longer one on time', async () => {
    const deadlines = new Deadlines();
    const long = deadlines.bound(never(), 5000, () => new Error('long')).catch((e: Error) => e.message);
    for (let i = 0; i < 100; i++) await deadlines.bound(Promise.resolve(i), 5000, late);
    expect(vi.getTimerCount()).toBe(1);
    const short = deadlines.bound(never(), 100, () => new Error('short')).catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(100);
    expect(await short).toBe('short');
    expect(deadlines.size).toBe(1);
    await vi.advanceTimersByTimeAsync(4900);
    expect(await long).toBe('long');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves unbounded waits (0 or Infinity) alone', async () => {
    const deadlines = new Deadlines();
    const work = Promise.resolve(1);
    expect(deadlines.bound(work, 0, late)).toBe(work);
    expect(deadlines.bound(work, Number.POSITIVE_INFINITY, late)).toBe(work);
  });
});
