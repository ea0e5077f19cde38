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
