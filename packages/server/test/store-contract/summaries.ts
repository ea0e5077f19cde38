import { expect, it } from 'vitest';
import type { Store } from '../../src/storage/store.js';
import { storedEvent } from '../support/events.js';
import { pixelSummary } from '../support/summaries.js';

const summary = (values: number[]) => pixelSummary(values, [20, 5], { predictions: 25 });

/** Summary events: stored once by id, their sketches kept whole, read back by day and time order; baselines upserted. */
export function summariesContract(fresh: () => Promise<Store>): void {
  it('keeps each summary event’s sketches once, and reads them back for a time range', async () => {
    const store = await fresh();
    const day = Date.parse('2026-11-25T00:00:00Z');
    const a = storedEvent({
      type: 'summary',
      experiment: 'm',
      arm: 'a',
      ts: day + 1000,
      summary: summary([0.1, 0.5]),
    });
    const b = storedEvent({
      type: 'summary',
      experiment: 'm',
      arm: 'b',
      ts: day + 2000,
      variant: 'int8',
      summary: summary([2, -3, 0]),
    });
    const late = storedEvent({
      type: 'summary',
      experiment: 'm',
      arm: 'a',
      ts: day + 86_400_000,
      summary: summary([9]),
    });
    expect(await store.events.ingest([a, b, late])).toEqual({ accepted: 3, duplicates: 0 });
    expect(await store.events.ingest([a])).toEqual({ accepted: 0, duplicates: 1 });
    const rows = await store.events.summaries('m', day, day + 86_400_000);
    expect(rows).toEqual([
      { arm: 'a', modelVersion: a.modelVersion, variant: null, ts: day + 1000, summary: a.summary },
      { arm: 'b', modelVersion: b.modelVersion, variant: 'int8', ts: day + 2000, summary: b.summary },
    ]);
    expect(await store.events.summaries('other', day, day + 86_400_000)).toEqual([]);
  });

  it('sets, replaces and reads a version’s baseline per variant', async () => {
    const store = await fresh();
    expect(await store.registry.baseline('m', '1.0.0', '')).toBeUndefined();
    await store.registry.putBaseline({
      name: 'm',
      version: '1.0.0',
      variant: '',
      summary: summary([1]),
      createdAt: 1,
    });
    await store.registry.putBaseline({
      name: 'm',
      version: '1.0.0',
      variant: '',
      summary: summary([2]),
      thresholds: { psi: 0.3 },
      createdAt: 2,
    });
    await store.registry.putBaseline({
      name: 'm',
      version: '1.0.0',
      variant: 'int8',
      summary: summary([3]),
      createdAt: 3,
    });
    expect(await store.registry.baseline('m', '1.0.0', '')).toEqual({
      name: 'm',
      version: '1.0.0',
      variant: '',
      summary: summary([2]),
      thresholds: { psi: 0.3 },
      createdAt: 2,
    });
    expect((await store.registry.baseline('m', '1.0.0', 'int8'))?.summary).toEqual(summary([3]));
  });
}
