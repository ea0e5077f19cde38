import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { rebuildAggregates } from '../../src/rebuild-aggregates.js';
import type { EventRecord } from '../../src/storage/records.js';
import type { Store } from '../../src/storage/store.js';
import { storedEvent } from '../support/events.js';
import { TEST_EXPERIMENT } from '../support/server.js';

/** A seeded stream of valid events: users, exposures (some late), rewards tied to decisions or not. */
function validEvents(n: number): EventRecord[] {
  let seed = 7;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const events: EventRecord[] = [];
  const base = Date.parse('2026-11-25T12:00:00Z');
  for (let i = 0; i < n; i++) {
    const userId = `u${Math.floor(random() * 40)}`;
    const arm = ['control', 'a', 'b'][Math.floor(random() * 3)]!;
    const exposure = storedEvent({ userId, arm, ts: base + Math.floor(random() * 1e6) });
    events.push(exposure);
    if (random() < 0.6)
      events.push(
        storedEvent({
          type: 'reward',
          userId,
          arm,
          value: Math.round(random() * 10),
          ts: exposure.ts + Math.floor(random() * 1000) - 300,
          exposureId: random() < 0.8 ? exposure.id : null,
        }),
      );
  }
  return events;
}

/** Rows accepted before the collector validated events: what a rebuild must set aside. */
function poison(): EventRecord[] {
  return [
    storedEvent({ type: 'reward', value: 1e308, userId: 'p1' }),
    storedEvent({ type: 'reward', value: 1e308, userId: 'p2' }),
    ...Array.from({ length: 20 }, (_, i) => storedEvent({ arm: `arm-${i}`, userId: `x${i}` })),
    storedEvent({ experiment: 'never-defined', arm: 'a' }),
    storedEvent({ userId: 'bel\u0007user' }),
  ];
}

/** rebuild-aggregates on a real store: poisoned rows out, aggregates equal to a clean ingest's. */
/** The timeline as the raw events say it, for the rollups to match. */
function rawTimeline(events: readonly EventRecord[], bucketMs: number) {
  const points = new Map<
    string,
    {
      bucket: number;
      arm: string;
      exposures: number;
      rewardCount: number;
      rewardSum: number;
      rewardSumSq: number;
    }
  >();
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.id) || (e.type !== 'exposure' && e.type !== 'reward')) continue;
    seen.add(e.id);
    const bucket = Math.floor(e.ts / bucketMs) * bucketMs;
    const key = `${bucket}|${e.arm}`;
    const p = points.get(key) ?? {
      bucket,
      arm: e.arm,
      exposures: 0,
      rewardCount: 0,
      rewardSum: 0,
      rewardSumSq: 0,
    };
    if (e.type === 'exposure') p.exposures++;
    else {
      p.rewardCount++;
      p.rewardSum += e.value ?? 0;
      p.rewardSumSq += (e.value ?? 0) ** 2;
    }
    points.set(key, p);
  }
  return [...points.values()].sort((a, b) => a.bucket - b.bucket || (a.arm < b.arm ? -1 : 1));
}

/** What ingest keeps in the minute rollups, against the events themselves. */
export function rollupContract(fresh: () => Promise<Store>): void {
  it('keeps minute rollups that give the timeline the raw events give, at any whole-minute bucket', async () => {
    const store = await fresh();
    const events = validEvents(400);
    // Batches out of time order, one sent twice: a retry must not count twice in its minute.
    for (let i = 0; i < events.length; i += 61) await store.events.ingest(events.slice(i, i + 61).reverse());
    await store.events.ingest(events.slice(0, 61));
    for (const bucketMs of [60_000, 300_000, 3_600_000]) {
      const timeline = (await store.events.timeline('exp', bucketMs)).map(({ users: _u, ...p }) => p);
      const raw = rawTimeline(events, bucketMs);
      expect(timeline.map(({ rewardSum, rewardSumSq, ...rest }) => rest)).toEqual(
        raw.map(({ rewardSum, rewardSumSq, ...rest }) => rest),
      );
      timeline.forEach((p, i) => {
        expect(p.rewardSum).toBeCloseTo(raw[i]!.rewardSum, 9);
        expect(p.rewardSumSq).toBeCloseTo(raw[i]!.rewardSumSq, 9);
      });
    }
    await expect(store.events.timeline('exp', 1_000)).rejects.toThrow(/whole minutes/);
  });
}

export function rebuildContract(fresh: () => Promise<Store>): void {
  it('rebuilds the aggregates a clean ingest would have, quarantining what breaks the rules', async () => {
    const valid = validEvents(400);
    const clean = await fresh();
    await clean.experiments.put(TEST_EXPERIMENT);
    await clean.events.ingest(valid);

    const dirty = await fresh();
    await dirty.experiments.put(TEST_EXPERIMENT);
    // Mixed into the same batches, as a live collector without rules would have stored them.
    const bad = poison();
    const mixed = valid.flatMap((e, i) => (i % 20 === 0 && bad[i / 20] ? [e, bad[i / 20]!] : [e]));
    expect(mixed.length).toBe(valid.length + bad.length);
    for (let i = 0; i < mixed.length; i += 97) await dirty.events.ingest(mixed.slice(i, i + 97));
    expect((await dirty.events.aggregates('exp')).map((r) => r.arm)).toContain('arm-3');
    expect((await dirty.events.aggregates('exp')).some((r) => !Number.isFinite(r.rewardSumSq))).toBe(true);

    const results = await rebuildAggregates(dirty);
    expect(results).toEqual([
      { experiment: 'exp', folded: valid.length, quarantined: { arm: 20, userId: 1, value: 2 } },
      { experiment: 'never-defined', folded: 0, quarantined: { experiment: 1 } },
    ]);
    expect(await dirty.events.aggregates('exp')).toEqual(await clean.events.aggregates('exp'));
    expect(await dirty.events.totals('exp')).toEqual(await clean.events.totals('exp'));
    // The minute rollups too: the poisoned rows' minutes are rebuilt without them.
    expect(await dirty.events.timeline('exp', 60_000)).toEqual(await clean.events.timeline('exp', 60_000));
    expect(await dirty.events.aggregates('never-defined')).toEqual([]);
    expect(await dirty.events.count()).toBe(valid.length);

    // Idempotent, and the quarantined ids may come back once they are valid (they never counted).
    expect(await rebuildAggregates(dirty, 'exp')).toEqual([
      { experiment: 'exp', folded: valid.length, quarantined: {} },
    ]);
    expect(await dirty.events.aggregates('exp')).toEqual(await clean.events.aggregates('exp'));
    await expect(rebuildAggregates(dirty, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const again = storedEvent({ id: randomUUID() });
    expect(await dirty.events.ingest([again])).toEqual({ accepted: 1, duplicates: 0 });
  });
}
