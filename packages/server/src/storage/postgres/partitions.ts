import type pg from 'pg';
import { MAX_EVENT_AGE_MS } from '../../collector/event-rules.js';
import type { EventStore } from '../event-store.js';

const DAY_MS = 86_400_000;
/** Events older than this are refused by the collector, so no partition before it is written to. */
export const ACCEPTED_PAST_DAYS = MAX_EVENT_AGE_MS / DAY_MS;
/** Days of partitions kept ready ahead of today. */
export const PARTITIONS_AHEAD_DAYS = 7;
/** Any constant: replicas maintaining partitions at once take turns. */
const PARTITION_LOCK = 0x45_57_50_54;

export interface PartitionReport {
  created: string[];
  dropped: string[];
  /** Rows of the default partition moved into a day's partition as it was created. */
  moved: number;
}

const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const nameOf = (start: number) => `events_${new Date(start).toISOString().slice(0, 10).replaceAll('-', '')}`;
const startOf = (name: string): number | undefined => {
  const m = /^events_(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
};

/**
 * Keeps the events table's daily partitions (by event `ts`, UTC days): every day from the oldest the
 * collector accepts to {@link PARTITIONS_AHEAD_DAYS} ahead exists, so no insert waits for one; a day
 * whose rows sat in the default partition (written before it existed) gets them moved in as it is
 * created; with `retentionDays`, partitions that ended more than that long ago are dropped whole
 * (no row-by-row delete) and the default partition's old rows deleted, and how far is remembered in
 * `event_retention` (see {@link EventStore.droppedBefore}). Runs under an advisory lock.
 */
export async function maintainPartitions(
  pool: pg.Pool,
  options: { now: number; retentionDays?: number },
): Promise<PartitionReport> {
  const report: PartitionReport = { created: [], dropped: [], moved: 0 };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'events'`,
    );
    const existing = new Set(rows.map((r) => r.name));
    const today = dayStart(options.now);
    for (
      let day = today - ACCEPTED_PAST_DAYS * DAY_MS;
      day <= today + PARTITIONS_AHEAD_DAYS * DAY_MS;
      day += DAY_MS
    ) {
      const name = nameOf(day);
      if (existing.has(name)) continue;
      if (options.retentionDays !== undefined && day + DAY_MS <= options.now - options.retentionDays * DAY_MS)
        continue;
      // Created detached and attached after the default partition's rows of that day moved in:
      // attaching a range the default partition still holds rows of would fail.
      await client.query(`CREATE TABLE ${name} (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      const moved = await client.query(
        `WITH gone AS (DELETE FROM events_default WHERE ts >= $1 AND ts < $2 RETURNING *)
         INSERT INTO ${name} SELECT * FROM gone`,
        [day, day + DAY_MS],
      );
      report.moved += moved.rowCount ?? 0;
      await client.query(
        `ALTER TABLE events ATTACH PARTITION ${name} FOR VALUES FROM (${day}) TO (${day + DAY_MS})`,
      );
      report.created.push(name);
    }
    if (options.retentionDays !== undefined) {
      const cutoff = options.now - options.retentionDays * DAY_MS;
      for (const name of [...existing].sort()) {
        const start = startOf(name);
        if (start !== undefined && start + DAY_MS <= cutoff) {
          await client.query(`DROP TABLE ${name}`);
          report.dropped.push(name);
        }
      }
      const deleted = await client.query('DELETE FROM events_default WHERE ts < $1', [cutoff]);
      if (report.dropped.length > 0 || (deleted.rowCount ?? 0) > 0) {
        await client.query(
          `INSERT INTO event_retention (dropped_before) VALUES ($1)
           ON CONFLICT (only_row) DO UPDATE SET dropped_before = GREATEST(event_retention.dropped_before, excluded.dropped_before)`,
          [cutoff],
        );
      }
    }
    await client.query('COMMIT');
    return report;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
