import type { ArmAggregate, EventRecord } from './records.js';

/**
 * Folds newly stored events into per-arm increments, sorted by (experiment, arm) so concurrent
 * transactions lock aggregate rows in the same order and cannot deadlock.
 */
export function aggregateDeltas(events: readonly EventRecord[]): ArmAggregate[] {
  const byArm = new Map<string, ArmAggregate>();
  for (const e of events) {
    const key = `${e.experiment}\u0000${e.arm}`;
    let row = byArm.get(key);
    if (!row) {
      row = {
        experiment: e.experiment,
        arm: e.arm,
        exposures: 0,
        predictions: 0,
        rewardCount: 0,
        rewardSum: 0,
        rewardSumSq: 0,
      };
      byArm.set(key, row);
    }
    if (e.type === 'exposure') row.exposures++;
    else if (e.type === 'prediction') row.predictions++;
    else if (e.type === 'reward') {
      const value = e.value ?? 0;
      row.rewardCount++;
      row.rewardSum += value;
      row.rewardSumSq += value * value;
    }
  }
  return [...byArm.values()].sort((a, b) =>
    a.experiment === b.experiment ? (a.arm < b.arm ? -1 : 1) : a.experiment < b.experiment ? -1 : 1,
  );
}

/** Drops repeats of an id inside one batch (the first wins) and sorts by id for a stable lock order. */
export function uniqueById(events: readonly EventRecord[]): { unique: EventRecord[]; repeats: number } {
  const seen = new Map<string, EventRecord>();
  for (const e of events) if (!seen.has(e.id)) seen.set(e.id, e);
  const unique = [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { unique, repeats: events.length - unique.length };
}

/** A canonical string of an experiment definition, to tell whether a re-sent one changed. */
export function definitionFingerprint(definition: object): string {
  return JSON.stringify(definition, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}
