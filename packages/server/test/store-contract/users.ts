import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ArmAggregate } from '../../src/storage/records.js';
import type { EventStore } from '../../src/storage/store.js';
import { storedEvent } from '../support/events.js';

const T0 = Date.parse('2026-11-25T12:00:00Z');
const exposure = (userId: string, arm: string, ts = T0, probability = 0.5) =>
  storedEvent({ userId, arm, ts, probability });
const reward = (userId: string, arm: string, value: number, exposureId: string | null = null, ts = T0 + 1) =>
  storedEvent({ type: 'reward', userId, arm, value, exposureId, ts });

async function arm(events: EventStore, name: string, experiment = 'exp'): Promise<ArmAggregate | undefined> {
  return (await events.aggregates(experiment)).find((a) => a.arm === name);
}

/**
 * Per-user and per-decision counters: every EventStore keeps them the same way, so SQLite and
 * Postgres answer these with the same numbers.
 */
export function userCountersContract(fresh: () => Promise<EventStore>): void {
  it('counts a user rewarding five times once as converted and five times in the sum', async () => {
    const events = await fresh();
    await events.ingest([
      exposure('u1', 'a'),
      ...Array.from({ length: 5 }, () => reward('u1', 'a', 1)),
      exposure('u2', 'a'),
      reward('u2', 'a', 0),
    ]);
    expect(await arm(events, 'a')).toMatchObject({
      exposures: 2,
      rewardCount: 6,
      rewardSum: 5,
      users: 2,
      convertedUsers: 1,
      userRewardSum: 5,
      userRewardSumSq: 25,
    });
    // a sixth reward, in a later batch, moves Σs² by (5 + 2)² − 5²
    await events.ingest([reward('u1', 'a', 2)]);
    expect(await arm(events, 'a')).toMatchObject({
      users: 2,
      convertedUsers: 1,
      userRewardSum: 7,
      userRewardSumSq: 49,
    });
  });

  it('changes nothing when a batch is retried, whole or in part', async () => {
    const events = await fresh();
    const x = exposure('u1', 'a');
    const batch = [
      x,
      reward('u1', 'a', 3, x.id),
      storedEvent({ type: 'ineligible', userId: 'u2', arm: 'a', reason: 'no webgpu' }),
    ];
    await events.ingest(batch);
    const before = [await events.aggregates('exp'), await events.totals('exp')];
    expect(await events.ingest(batch)).toEqual({ accepted: 0, duplicates: 3 });
    expect(await events.ingest([batch[1]!, batch[0]!])).toEqual({ accepted: 0, duplicates: 2 });
    expect([await events.aggregates('exp'), await events.totals('exp')]).toEqual(before);
  });

  it('keeps a user re-exposed to another arm in their first arm and counts the change', async () => {
    const events = await fresh();
    await events.ingest([exposure('u1', 'a', T0), reward('u1', 'a', 1)]);
    await events.ingest([exposure('u1', 'b', T0 + 10), exposure('u1', 'b', T0 + 20), reward('u1', 'b', 1)]);
    expect(await arm(events, 'a')).toMatchObject({
      users: 1,
      userRewardSum: 2,
      switchedUsers: 1,
      armChanges: 2,
    });
    expect(await arm(events, 'b')).toMatchObject({ exposures: 2, users: 0, userRewardSum: 0, armChanges: 0 });
    // an earlier exposure that arrives late is the first one: the user moves, sums and all
    await events.ingest([exposure('u1', 'c', T0 - 10)]);
    expect(await arm(events, 'a')).toMatchObject({
      users: 0,
      userRewardSum: 0,
      userRewardSumSq: 0,
      switchedUsers: 0,
    });
    expect(await arm(events, 'c')).toMatchObject({
      users: 1,
      convertedUsers: 1,
      userRewardSum: 2,
      switchedUsers: 1,
    });
  });

  it('counts rewards of users never exposed apart, and moves them in once the exposure arrives', async () => {
    const events = await fresh();
    await events.ingest([
      reward('u1', 'a', 1),
      reward('u1', 'a', 1),
      reward('u2', 'a', 4),
      exposure('u3', 'a'),
    ]);
    expect(await events.totals('exp')).toMatchObject({
      unexposedUsers: 2,
      unexposedRewards: 3,
      unexposedRewardSum: 6,
    });
    expect(await arm(events, 'a')).toMatchObject({
      users: 1,
      convertedUsers: 0,
      userRewardSum: 0,
      rewardCount: 3,
    });
    await events.ingest([exposure('u2', 'a')]);
    expect(await events.totals('exp')).toMatchObject({
      unexposedUsers: 1,
      unexposedRewards: 2,
      unexposedRewardSum: 2,
    });
    expect(await arm(events, 'a')).toMatchObject({
      users: 2,
      convertedUsers: 1,
      userRewardSum: 4,
      userRewardSumSq: 16,
    });
    expect(await events.totals('other')).toMatchObject({ unexposedUsers: 0, unexposedRewards: 0 });
  });

  it('counts ineligible users per arm, once each, and not as exposed users', async () => {
    const events = await fresh();
    const ineligible = (userId: string, arm: string) =>
      storedEvent({ type: 'ineligible', userId, arm, reason: 'variant fp16 needs shader-f16' });
    await events.ingest([
      ineligible('u1', 'b'),
      ineligible('u1', 'b'),
      ineligible('u2', 'b'),
      ineligible('u1', 'c'),
    ]);
    await events.ingest([ineligible('u2', 'b'), exposure('u3', 'b')]);
    expect(await arm(events, 'b')).toMatchObject({ ineligibleUsers: 2, users: 1, exposures: 1 });
    expect(await arm(events, 'c')).toMatchObject({ ineligibleUsers: 1, users: 0 });
  });

  it('keeps per-decision reward sums and the inverse-propensity sums per arm', async () => {
    const events = await fresh();
    const d1 = exposure('u1', 'a', T0, 0.25);
    const d2 = exposure('u1', 'b', T0 + 5, 0.5);
    await events.ingest([
      d1,
      d2,
      reward('u1', 'a', 1, d1.id),
      reward('u1', 'a', 2, d1.id),
      reward('u1', 'b', 1),
    ]);
    expect(await arm(events, 'a')).toMatchObject({
      decisions: 1,
      decisionRewardSum: 3,
      decisionRewardSumSq: 9,
      ipsWeightSum: 4,
      ipsRewardSum: 12,
      ipsRewardSumSq: 144,
    });
    expect(await arm(events, 'b')).toMatchObject({ decisions: 1, decisionRewardSum: 0, ipsWeightSum: 2 });
    expect(await events.totals('exp')).toMatchObject({
      rewardsWithoutExposureId: 1,
      unknownExposureRewards: 0,
    });
    // a reward naming a decision not (yet) logged is counted apart, then moves in when it arrives
    const late = exposure('u2', 'b', T0, 0.5);
    await events.ingest([reward('u2', 'b', 1, late.id)]);
    expect(await events.totals('exp')).toMatchObject({
      unknownExposureRewards: 1,
      unknownExposureRewardSum: 1,
    });
    await events.ingest([late]);
    expect(await events.totals('exp')).toMatchObject({
      unknownExposureRewards: 0,
      unknownExposureRewardSum: 0,
    });
    expect(await arm(events, 'b')).toMatchObject({
      decisions: 2,
      decisionRewardSum: 1,
      ipsRewardSum: 2,
      ipsRewardSumSq: 4,
    });
    await events.ingest([reward('u3', 'b', 1, randomUUID())]);
    expect((await events.totals('exp')).unknownExposureRewards).toBe(1);
  });

  it('buckets users by their first exposure', async () => {
    const events = await fresh();
    await events.ingest([
      exposure('u1', 'a', T0 + 1),
      exposure('u1', 'a', T0 + 61_000),
      exposure('u2', 'a', T0 + 61_000),
    ]);
    const points = await events.timeline('exp', 60_000);
    expect(points.map((p) => [p.bucket - T0, p.exposures, p.users])).toEqual([
      [0, 1, 1],
      [60_000, 2, 1],
    ]);
  });
}
