// The events table's daily partitions on a real PostgreSQL: created ahead of time, rows written
// before their day existed moved in, expired days dropped whole, and the counts unchanged by it.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { rebuildAggregates } from '../src/rebuild-aggregates.js';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { POSTGRES_MIGRATIONS } from '../src/storage/postgres/schema.js';
import { storedEvent } from './support/events.js';
import { type TestPostgres, tryStartPostgres } from './support/postgres.js';

const started = await tryStartPostgres();
const server = 'skipped' in started ? undefined : started;
const DAY = 86_400_000;
const dayName = (ms: number) => `events_${new Date(ms).toISOString().slice(0, 10).replaceAll('-', '')}`;

async function partitions(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'events' ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe.skipIf(!server)('events partitioned by day (PostgreSQL)', () => {
  afterAll(async () => {
    await (server as TestPostgres).stop();
  });

  it('migrates an unpartitioned events table with its rows into the partitions, counts intact', async () => {
    const url = await (server as TestPostgres).createDatabase('partition_migration');
    // The schema as it was before partitioning, with three events in it (today, yesterday, long ago).
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const now = Date.now();
    const events = [now, now - DAY, now - 400 * DAY].map((ts, i) =>
      storedEvent({ experiment: 'm', arm: 'a', userId: `u${i}`, ts }),
    );
    try {
      await client.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
      );
      for (let v = 1; v < POSTGRES_MIGRATIONS.length; v++) {
        await client.query(POSTGRES_MIGRATIONS[v - 1] as string);
        await client.query('INSERT INTO schema_migrations VALUES ($1, 0)', [v]);
      }
      for (const e of events) {
        await client.query(
          `INSERT INTO events (id, type, user_id, experiment, arm, probability, model_version, ts, received_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
          [e.id, e.type, e.userId, e.experiment, e.arm, e.probability, e.modelVersion, e.ts],
        );
      }
    } finally {
      await client.end();
    }
    const store = new PostgresStore(url);
    try {
      await store.migrate();
      expect(await store.events.count()).toBe(3);
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      const { rows } = await check.query<{ part: string; n: string }>(
        'SELECT tableoid::regclass::text AS part, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 1',
      );
      await check.end();
      expect(rows.map((r) => [r.part, Number(r.n)])).toEqual(
        [
          [dayName(now - DAY), 1],
          [dayName(now), 1],
          // Older than any day the collector accepts: left in the default partition, never lost.
          ['events_default', 1],
        ].sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1)),
      );
      // Ids still deduplicate across the move.
      expect(await store.events.ingest(events)).toEqual({ accepted: 0, duplicates: 3 });
    } finally {
      await store.close();
    }
  });

  it('refuses a retention shorter than the days the collector accepts events for', () => {
    expect(() => new PostgresStore('postgres://unused', { retentionDays: 30 })).toThrow(/more than 30 days/);
  });

  it('keeps a week of partitions ahead, moves early rows into their day, drops expired days whole', async () => {
    const url = await (server as TestPostgres).createDatabase('partitions');
    const store = new PostgresStore(url, { retentionDays: 35 });
    try {
      await store.migrate();
      const now = Date.now();
      const ahead = await partitions(url);
      expect(ahead).toContain(dayName(now));
      expect(ahead).toContain(dayName(now + 7 * DAY));
      expect(ahead).toContain(dayName(now - 30 * DAY));
      expect(ahead).toContain('events_default');

      const today = storedEvent({ experiment: 'p', arm: 'a', ts: now });
      const old = storedEvent({ experiment: 'p', arm: 'a', ts: now - 40 * DAY });
      const early = storedEvent({ experiment: 'p', arm: 'b', ts: now + 20 * DAY });
      expect(await store.events.ingest([today, old, early])).toEqual({ accepted: 3, duplicates: 0 });
      const counted = await store.events.aggregates('p');
      expect(counted.reduce((s, r) => s + r.exposures, 0)).toBe(3);

      // Two weeks on: the days ahead exist, the early row sits in its own day, the expired days are gone.
      const later = now + 14 * DAY;
      const report = await store.maintain(later);
      expect(report.created).toContain(dayName(later + 7 * DAY));
      expect(report.created).toContain(dayName(now + 20 * DAY));
      expect(report.moved).toBe(1);
      expect(report.dropped).toContain(dayName(now - 30 * DAY));
      expect(report.dropped).not.toContain(dayName(later - 35 * DAY + DAY));
      const after = await partitions(url);
      expect(after).not.toContain(dayName(now - 30 * DAY));
      expect(after).toContain(dayName(later - 34 * DAY));
      // The 40-day-old event was past retention: deleted from the default partition with the rest.
      expect(await store.events.count()).toBe(2);
      // The counts stay: aggregates and rollups are not the raw events.
      expect(await store.events.aggregates('p')).toEqual(counted);
      // A retry of the moved event still meets its first copy.
      expect(await store.events.ingest([early])).toEqual({ accepted: 0, duplicates: 1 });
      // Maintenance again changes nothing.
      expect(await store.maintain(later)).toEqual({ created: [], dropped: [], moved: 0 });

      // The counts now include events no longer kept: a rebuild would shrink them, so it is refused
      // unless asked for as partial, which then counts the two events kept.
      expect(await store.events.droppedBefore()).toBe(later - 35 * DAY);
      await store.experiments.put({
        key: 'p',
        type: 'ab',
        seed: 1,
        arms: ['a', 'b'].map((name) => ({ name, model: 'm', version: '1.0.0', weight: 1 })),
      });
      await expect(rebuildAggregates(store, 'p')).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/dropped by the retention.*--partial/),
      });
      await rebuildAggregates(store, 'p', { partial: true });
      const rebuilt = await store.events.aggregates('p');
      expect(rebuilt.reduce((s, r) => s + r.exposures, 0)).toBe(2);
    } finally {
      await store.close();
    }
  });
});

// Printed by tryStartPostgres; the suite above reports as skipped.
