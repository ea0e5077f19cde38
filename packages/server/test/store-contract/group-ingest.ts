import { expect, it } from 'vitest';
import { rebuildAggregates } from '../../src/rebuild-aggregates.js';
import type { EventRecord } from '../../src/storage/records.js';
import type { Store } from '../../src/storage/store.js';
import { storedEvent } from '../support/events.js';
import { TEST_EXPERIMENT } from '../support/server.js';

/**
 * A seeded mix of every event kind the fold treats differently: exposures (some late, some to a
 * second arm), rewards tied to a decision, to none, or to one never logged, predictions with
 * latencies and sample rates, health events and ineligible users. Enough users and decisions that
 * one group writes more rows than a single multi-row statement holds.
 */
function mixedEvents(n: number, seed: number): EventRecord[] {
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const arms = ['control', 'a', 'b'];
  const base = Date.parse('2026-11-25T12:00:00Z');
  const out: EventRecord[] = [];
  const exposures: EventRecord[] = [];
  for (let i = 0; i < n; i++) {
    const userId = `u${Math.floor(random() * 150)}`;
    const arm = arms[Math.floor(random() * 3)] as string;
    const ts = base + Math.floor(random() * 1e6);
    const r = random();
    let e: EventRecord;
    if (r < 0.4) {
      // Powers of two: 1/p and its squares are exact, so sums do not depend on the order they add in.
      e = storedEvent({
        userId,
        arm,
        ts,
        probability: [0.5, 0.25, 0.125][Math.floor(random() * 3)] as number,
      });
      exposures.push(e);
    } else if (r < 0.7) {
      const decided = exposures[Math.floor(random() * exposures.length)];
      const tie = random();
      e = storedEvent({
        type: 'reward',
        userId: decided && tie < 0.7 ? decided.userId : userId,
        arm: decided && tie < 0.7 ? decided.arm : arm,
        value: Math.round(random() * 10),
        ts,
        exposureId: decided && tie < 0.7 ? decided.id : tie < 0.85 ? null : storedEvent().id,
      });
    } else if (r < 0.85) {
      e = storedEvent({
        type: 'prediction',
        userId,
        arm,
        ts,
        latencyMs: Math.round(random() * 400),
        sampleRate: random() < 0.5 ? 0.25 : null,
      });
    } else if (r < 0.93) {
      e = storedEvent({ type: random() < 0.5 ? 'crash' : 'load', userId, arm, ts, latencyMs: 30 });
    } else e = storedEvent({ type: 'ineligible', userId, arm, ts, reason: 'unsupported' });
    out.push(e);
  }
  // In the order a fold takes them (fold-events.ts): an arm change is counted by arrival order, so
  // the one-by-one reference must see the events in the order one group's fold does.
  const rank: Record<string, number> = { exposure: 0, ineligible: 1, prediction: 2, reward: 3 };
  return out.sort(
    (p, q) => p.ts - q.ts || (rank[p.type] ?? 4) - (rank[q.type] ?? 4) || (p.id < q.id ? -1 : 1),
  );
}

async function derived(store: Store) {
  return {
    count: await store.events.count(),
    aggregates: await store.events.aggregates('exp'),
    totals: await store.events.totals('exp'),
    timeline: await store.events.timeline('exp', 60_000),
  };
}

/** Everything, committed one event at a time: what ingest computed before batches were folded together. */
async function oneByOne(store: Store, events: readonly EventRecord[]): Promise<void> {
  for (const e of events) await store.events.ingest([e]);
}

/**
 * Group commit: batches ingested concurrently share one transaction. The result of each must be
 * what committing them one after the other would have given, and so must the derived rows.
 */
export function groupIngestContract(fresh: () => Promise<Store>): void {
  it('credits an id sent by several batches of one group to the first, and counts it once', async () => {
    const store = await fresh();
    const [x, y, z] = [storedEvent(), storedEvent({ arm: 'a' }), storedEvent({ type: 'reward', value: 2 })];
    // Not awaited in between: all three are queued before the group is written.
    const results = await Promise.all([
      store.events.ingest([x, y, { ...x }]),
      store.events.ingest([y, z]),
      store.events.ingest([z, x, y]),
    ]);
    expect(results).toEqual([
      { accepted: 2, duplicates: 1 },
      { accepted: 1, duplicates: 1 },
      { accepted: 0, duplicates: 3 },
    ]);
    expect(await store.events.count()).toBe(3);
    // A later retry of all of it changes nothing.
    expect(await store.events.ingest([x, y, z])).toEqual({ accepted: 0, duplicates: 3 });
    const arms = await store.events.aggregates('exp');
    expect(arms.find((a) => a.arm === 'control')).toMatchObject({
      exposures: 1,
      rewardCount: 1,
      rewardSum: 2,
    });
    expect(arms.find((a) => a.arm === 'a')).toMatchObject({ exposures: 1, rewardCount: 0 });
  });

  it('folds concurrent batches exactly as committing the events one by one, and as a rebuild', async () => {
    const events = mixedEvents(900, 11);
    const reference = await fresh();
    await reference.experiments.put(TEST_EXPERIMENT);
    await oneByOne(reference, events);

    const grouped = await fresh();
    await grouped.experiments.put(TEST_EXPERIMENT);
    // Six batches of 150, sent together; every tenth event is sent again by the next batch.
    const batches = Array.from({ length: 6 }, (_, i) => events.slice(i * 150, (i + 1) * 150));
    const resent = batches.map((b, i) =>
      i === 0 ? b : [...b, ...(batches[i - 1] ?? []).filter((_, j) => j % 10 === 0)],
    );
    const results = await Promise.all(resent.map((b) => grouped.events.ingest(b)));
    expect(results.map((r) => r.accepted)).toEqual(batches.map((b) => b.length));
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(5 * 15);

    const want = await derived(reference);
    expect(await derived(grouped)).toEqual(want);
    // And the fold agrees with one recomputed from the stored events.
    await rebuildAggregates(grouped);
    expect(await derived(grouped)).toEqual(want);
  });

  it('fails only the bad batch of a group: the others are stored, acknowledged and counted once', async () => {
    const store = await fresh();
    const good1 = [storedEvent({ userId: 'g1' }), storedEvent({ userId: 'g1', type: 'reward', value: 1 })];
    const good2 = [storedEvent({ userId: 'g2', arm: 'a' })];
    // A row the database itself refuses (user_id is NOT NULL), so the whole group's first try fails.
    const bad = [storedEvent({ userId: 'b' }), { ...storedEvent(), userId: null as unknown as string }];
    const settled = await Promise.allSettled([
      store.events.ingest(good1),
      store.events.ingest(bad),
      store.events.ingest(good2),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[0]).toMatchObject({ value: { accepted: 2, duplicates: 0 } });
    expect(settled[2]).toMatchObject({ value: { accepted: 1, duplicates: 0 } });
    // Nothing of the bad batch stayed, not even its valid event: it may be retried whole.
    expect(await store.events.count()).toBe(3);
    expect(await store.events.ingest([bad[0]!])).toEqual({ accepted: 1, duplicates: 0 });

    const reference = await fresh();
    await oneByOne(reference, [...good1, ...good2, bad[0]!]);
    expect(await derived(store)).toEqual(await derived(reference));
  });
}
