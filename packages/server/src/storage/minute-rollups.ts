import type { EventRecord } from './records.js';

/** The rollups' resolution: timelines are read in buckets of whole minutes. */
export const ROLLUP_MS = 60_000;

/** A timeline bucket the rollups can answer exactly: whole minutes. Throws on anything else. */
export function checkBucket(bucketMs: number): number {
  if (!(Number.isSafeInteger(bucketMs) && bucketMs > 0 && bucketMs % ROLLUP_MS === 0))
    throw new RangeError(`timeline buckets are whole minutes (the rollups' resolution), got ${bucketMs} ms`);
  return bucketMs;
}

/**
 * One experiment arm's exposures and rewards in one minute (by event time), kept at ingest beside
 * the events so the timeline and the dashboard read these rows, never the events.
 */
export interface MinuteRollup {
  experiment: string;
  /** Start of the minute, epoch ms. */
  minute: number;
  arm: string;
  exposures: number;
  rewardCount: number;
  rewardSum: number;
  rewardSumSq: number;
}

/** What newly stored events add to their minutes, sorted by key (the lock order on Postgres). */
export function minuteRollups(events: readonly EventRecord[]): MinuteRollup[] {
  const rows = new Map<string, MinuteRollup>();
  for (const e of events) {
    if (e.type !== 'exposure' && e.type !== 'reward') continue;
    const minute = Math.floor(e.ts / ROLLUP_MS) * ROLLUP_MS;
    const key = `${e.experiment}\u0000${String(minute).padStart(16, '0')}\u0000${e.arm}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        experiment: e.experiment,
        minute,
        arm: e.arm,
        exposures: 0,
        rewardCount: 0,
        rewardSum: 0,
        rewardSumSq: 0,
      };
      rows.set(key, row);
    }
    if (e.type === 'exposure') row.exposures++;
    else {
      const value = e.value ?? 0;
      row.rewardCount++;
      row.rewardSum += value;
      row.rewardSumSq += value * value;
    }
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}
