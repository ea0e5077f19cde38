import { describe, expect, it } from 'vitest';
import { coalescedRead } from '../src/storage/coalesced-read.js';
import { GroupCommit } from '../src/storage/group-commit.js';
import type { EventRecord } from '../src/storage/records.js';
import { storedEvent } from './support/events.js';

const batch = (n: number, overrides: Partial<EventRecord> = {}) =>
  Array.from({ length: n }, () => storedEvent(overrides));

describe('GroupCommit', () => {
  it('writes batches queued together in one commit and answers each with its own counts', async () => {
    const commits: number[][] = [];
    const groups = new GroupCommit((batches) => {
      commits.push(batches.map((b) => b.length));
      return batches.map((b) => b.length - 1);
    });
    const results = await Promise.all([
      groups.submit(batch(3)),
      groups.submit(batch(1)),
      groups.submit(batch(5)),
    ]);
    expect(commits).toEqual([[3, 1, 5]]);
    expect(results).toEqual([
      { accepted: 2, duplicates: 1 },
      { accepted: 0, duplicates: 1 },
      { accepted: 4, duplicates: 1 },
    ]);
  });

  it('shows its queue while a commit runs, and reports each committed group (not a failed one)', async () => {
    let finish: () => void = () => {};
    let fail = false;
    const groups = new GroupCommit(async (batches) => {
      if (fail) throw new Error('disk full');
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      return batches.map((b) => b.length);
    });
    const seen: { batches: number; events: number }[] = [];
    groups.observe(({ batches, events, seconds }) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push({ batches, events });
    });
    const first = groups.submit(batch(2));
    await new Promise((r) => setImmediate(r));
    // The first group is being written; two batches wait for the next.
    const waiting = [groups.submit(batch(3)), groups.submit(batch(4))];
    expect(groups.queued()).toEqual({ batches: 2, events: 7 });
    finish();
    await first;
    // The next group starts on a later turn of the event loop.
    for (let turn = 0; turn < 5 && groups.queued().batches > 0; turn++)
      await new Promise((r) => setImmediate(r));
    expect(groups.queued()).toEqual({ batches: 0, events: 0 });
    finish();
    await Promise.all(waiting);
    expect(seen).toEqual([
      { batches: 1, events: 2 },
      { batches: 2, events: 7 },
    ]);
    fail = true;
    await expect(groups.submit(batch(1))).rejects.toThrow('disk full');
    expect(seen).toHaveLength(2);
  });

  it('answers no batch before the commit that holds it has finished', async () => {
    const order: string[] = [];
    let finish: () => void = () => {};
    const groups = new GroupCommit(async (batches) => {
      order.push('commit started');
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      order.push('commit done');
      return batches.map((b) => b.length);
    });
    const first = groups.submit(batch(1)).then(() => order.push('first answered'));
    await new Promise((r) => setImmediate(r));
    // Arrives while the first group is in flight: waits for it, then goes in the next one.
    const second = groups.submit(batch(1)).then(() => order.push('second answered'));
    finish();
    await first;
    await new Promise((r) => setImmediate(r));
    finish();
    await second;
    expect(order).toEqual([
      'commit started',
      'commit done',
      'first answered',
      'commit started',
      'commit done',
      'second answered',
    ]);
  });

  it('after a failed group commits each batch alone, so only the bad one fails', async () => {
    const commits: number[][] = [];
    const groups = new GroupCommit((batches) => {
      commits.push(batches.map((b) => b.length));
      if (batches.some((b) => b.some((e) => e.userId === 'bad'))) throw new Error('refused');
      return batches.map((b) => b.length);
    });
    const settled = await Promise.allSettled([
      groups.submit(batch(2)),
      groups.submit(batch(1, { userId: 'bad' })),
      groups.submit(batch(3)),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(commits).toEqual([[2, 1, 3], [2], [1], [3]]);
  });

  it('cuts a group at 5,000 events, keeping the batches whole and in order', async () => {
    const commits: number[][] = [];
    const groups = new GroupCommit((batches) => {
      commits.push(batches.map((b) => b.length));
      return batches.map(() => 0);
    });
    await Promise.all([2000, 2000, 2000, 500].map((n) => groups.submit(batch(n))));
    expect(commits).toEqual([
      [2000, 2000],
      [2000, 500],
    ]);
  });
});

describe('coalescedRead', () => {
  it('shares one read among callers of one turn, and starts a new one for a later caller', async () => {
    let reads = 0;
    const read = coalescedRead(async (key: string) => `${key}:${++reads}`);
    const together = await Promise.all([read('a'), read('a'), read('b')]);
    expect(together).toEqual(['a:1', 'a:1', 'b:2']);
    expect(await read('a')).toBe('a:3');
  });

  it('never hands a caller a read that started before it asked', async () => {
    let version = 0;
    let reads = 0;
    const read = coalescedRead(async () => {
      reads++;
      const seen = version;
      await new Promise((r) => setTimeout(r, 5));
      return seen;
    });
    const early = read(undefined);
    await new Promise((r) => setImmediate(r));
    version = 1; // a write that finished before the second caller asked
    const late = read(undefined);
    expect(await early).toBe(0);
    expect(await late).toBe(1);
    expect(reads).toBe(2);
  });
});
