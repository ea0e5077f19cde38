import { mergeSummaries } from '@edgewise/protocol';
import { expect, it } from 'vitest';
import type { Store } from '../../src/storage/store.js';
import { storedEvent } from '../support/events.js';
import { pixelSummary } from '../support/summaries.js';

const summary = (values: number[]) => pixelSummary(values, [20, 5], { predictions: 25 });

/** Summary events: merged once by id into day rows, read back by day; baselines upserted. */
export function summariesContract(fresh: () => Promise<Store>): void {
  it('merges each summary event once into its arm, file and UTC day, and reads the days back', async () => {
    const store = await fresh();
    const day = Date.parse('2026-11-25T00:00:00Z');
    const a1 = storedEvent({
      type: 'summary',
      experiment: 'm',
      arm: 'a',
      ts: day + 1000,
      summary: summary([0.1, 0.5]),
    });
    const a2 = storedEvent({
      type: 'summary',
      experiment: 'm',
      arm: 'a',
      ts: day + 5000,
      summary: summary([0.9]),
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
    expect(await store.events.ingest([a1, b, late])).toEqual({ accepted: 3, duplicates: 0 });
    // A later batch merges into the same day row; a retry merges nothing.
    expect(await store.events.ingest([a2, a1])).toEqual({ accepted: 1, duplicates: 1 });
    const rows = await store.events.summaries('m', day, day + 86_400_000);
    expect(rows).toEqual([
      {
        arm: 'a',
        modelVersion: a1.modelVersion,
        variant: null,
        day,
        summary: mergeSummaries(a1.summary!, a2.summary!),
        summaries: 2,
      },
      { arm: 'b', modelVersion: b.modelVersion, variant: 'int8', day, summary: b.summary, summaries: 1 },
    ]);
    expect((await store.events.summaries('m', day + 86_400_000, day + 2 * 86_400_000))[0]?.summaries).toBe(1);
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
