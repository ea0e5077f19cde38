import { expect, it } from 'vitest';
import type { EventStore } from '../../src/storage/store.js';
import { storedEvent } from '../support/events.js';

/** The behaviour every EventStore must have; `fresh()` returns one on a migrated, empty database. */
export function eventStoreContract(fresh: () => Promise<EventStore>): void {
  it('counts each event id once, however often it is sent', async () => {
    const events = await fresh();
    const batch = [
      storedEvent(),
      storedEvent({ arm: 'treatment' }),
      storedEvent({ type: 'reward', value: 1 }),
    ];
    expect(await events.ingest(batch)).toEqual({ accepted: 3, duplicates: 0 });
    expect(await events.ingest(batch)).toEqual({ accepted: 0, duplicates: 3 });
    expect(await events.ingest([...batch, batch[0]!])).toEqual({ accepted: 0, duplicates: 4 });
    expect(await events.count()).toBe(3);
  });

  it('drops an id repeated inside one batch', async () => {
    const events = await fresh();
    const e = storedEvent();
    expect(await events.ingest([e, { ...e }])).toEqual({ accepted: 1, duplicates: 1 });
  });

  it('keeps exposures and reward count, sum and sum of squares per arm', async () => {
    const events = await fresh();
    await events.ingest([
      storedEvent({ arm: 'a' }),
      storedEvent({ arm: 'a' }),
      storedEvent({ arm: 'b' }),
      storedEvent({ arm: 'a', type: 'reward', value: 2 }),
      storedEvent({ arm: 'a', type: 'reward', value: 3 }),
      storedEvent({ arm: 'b', type: 'prediction', latencyMs: 4 }),
      storedEvent({ experiment: 'other', arm: 'a' }),
    ]);
    const rows = await events.aggregates('exp');
    expect(rows).toMatchObject([
      {
        experiment: 'exp',
        arm: 'a',
        exposures: 2,
        predictions: 0,
        rewardCount: 2,
        rewardSum: 5,
        rewardSumSq: 13,
      },
      {
        experiment: 'exp',
        arm: 'b',
        exposures: 1,
        predictions: 1,
        rewardCount: 0,
        rewardSum: 0,
        rewardSumSq: 0,
      },
    ]);
  });

  it('buckets exposures and rewards over time', async () => {
    const events = await fresh();
    const t0 = Date.parse('2026-11-25T12:00:00Z');
    await events.ingest([
      storedEvent({ arm: 'a', ts: t0 + 1 }),
      storedEvent({ arm: 'a', ts: t0 + 59_000 }),
      storedEvent({ arm: 'a', ts: t0 + 61_000, type: 'reward', value: 3 }),
    ]);
    expect(await events.timeline('exp', 60_000)).toEqual([
      { bucket: t0, arm: 'a', exposures: 2, rewardCount: 0, rewardSum: 0, rewardSumSq: 0, users: 1 },
      { bucket: t0 + 60_000, arm: 'a', exposures: 0, rewardCount: 1, rewardSum: 3, rewardSumSq: 9, users: 0 },
    ]);
  });
}
