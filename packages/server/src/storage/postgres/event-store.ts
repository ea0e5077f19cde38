import type pg from 'pg';
import { uniqueById } from '../aggregate-deltas.js';
import { ARM_COUNTERS, counterColumns, UNATTRIBUTED_COUNTERS, zeroCounters } from '../counters.js';
import {
  DERIVED_TABLES,
  type EventStore,
  REBUILD_PAGE,
  type StoredEventCheck,
  sortPage,
} from '../event-store.js';
import type {
  ArmAggregate,
  EventRecord,
  ExperimentTotals,
  IngestResult,
  RebuildResult,
  TimelinePoint,
} from '../records.js';
import {
  type AggregateRow,
  EVENT_COLUMNS,
  type EventRow,
  mergeUserBuckets,
  type TimelineRow,
  type TotalsRow,
} from '../row-mapping.js';
import { toRecord, transaction } from './database.js';
import { foldInserted } from './ingest.js';

export class PostgresEventStore implements EventStore {
  constructor(private readonly pool: pg.Pool) {}

  async ingest(events: EventRecord[]): Promise<IngestResult> {
    // Sorted by id, so concurrent batches lock event rows in the same order.
    const { unique } = uniqueById(events);
    if (unique.length === 0) return { accepted: 0, duplicates: events.length };
    const accepted = await transaction(this.pool, async (client) => {
      const now = Date.now();
      const col = <K extends keyof EventRecord>(k: K) => unique.map((e) => e[k]);
      const { rows: inserted } = await client.query<{ id: string }>(
        `INSERT INTO events (id, type, user_id, experiment, arm, probability, model_version, value, latency_ms, ts,
                             variant, policy_version, exposure_id, reason, code, sample_rate, received_at)
         SELECT *, $17::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[],
                                   $7::text[], $8::float8[], $9::float8[], $10::bigint[],
                                   $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::float8[])
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [
          col('id'),
          col('type'),
          col('userId'),
          col('experiment'),
          col('arm'),
          col('probability'),
          col('modelVersion'),
          col('value'),
          col('latencyMs'),
          col('ts'),
          col('variant'),
          col('policyVersion'),
          col('exposureId'),
          col('reason'),
          col('code'),
          col('sampleRate'),
          now,
        ],
      );
      const ids = new Set(inserted.map((r) => r.id));
      // Only the events this transaction inserted, so a retried batch is never counted twice.
      if (ids.size > 0)
        await foldInserted(
          client,
          unique.filter((e) => ids.has(e.id)),
        );
      return ids.size;
    });
    return { accepted, duplicates: events.length - accepted };
  }

  async aggregates(experiment: string): Promise<ArmAggregate[]> {
    const { rows } = await this.pool.query<AggregateRow>(
      `SELECT experiment, arm, ${counterColumns(ARM_COUNTERS).join(', ')}
       FROM arm_aggregates WHERE experiment = $1 ORDER BY arm`,
      [experiment],
    );
    return rows.map(toRecord.aggregate);
  }

  async totals(experiment: string): Promise<ExperimentTotals> {
    const { rows } = await this.pool.query<TotalsRow>(
      `SELECT experiment, ${counterColumns(UNATTRIBUTED_COUNTERS).join(', ')}
       FROM experiment_totals WHERE experiment = $1`,
      [experiment],
    );
    const row = rows[0];
    return row ? toRecord.totals(row) : { experiment, ...zeroCounters(UNATTRIBUTED_COUNTERS) };
  }

  async timeline(experiment: string, bucketMs: number): Promise<TimelinePoint[]> {
    const { rows } = await this.pool.query<TimelineRow>(
      `SELECT (ts / $1) * $1 AS bucket, arm,
              COUNT(*) FILTER (WHERE type = 'exposure') AS exposures,
              COUNT(*) FILTER (WHERE type = 'reward') AS reward_count,
              COALESCE(SUM(COALESCE(value, 0)) FILTER (WHERE type = 'reward'), 0) AS reward_sum,
              COALESCE(SUM(COALESCE(value, 0) * COALESCE(value, 0)) FILTER (WHERE type = 'reward'), 0) AS reward_sum_sq,
              0 AS users
       FROM events WHERE experiment = $2 AND type <> 'ineligible' GROUP BY 1, arm ORDER BY 1, arm`,
      [bucketMs, experiment],
    );
    const { rows: users } = await this.pool.query<{ bucket: string; arm: string; users: string }>(
      `SELECT (first_exposure_ts / $1) * $1 AS bucket, arm, COUNT(*) AS users
       FROM experiment_users WHERE experiment = $2 AND arm IS NOT NULL GROUP BY 1, arm`,
      [bucketMs, experiment],
    );
    return mergeUserBuckets(rows.map(toRecord.timelinePoint), users);
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM events');
    return Number(rows[0]?.n ?? 0);
  }

  async experimentsWithEvents(): Promise<string[]> {
    const { rows } = await this.pool.query<{ experiment: string }>(
      'SELECT DISTINCT experiment FROM events ORDER BY experiment',
    );
    return rows.map((r) => r.experiment);
  }

  async rebuild(experiment: string, check: StoredEventCheck): Promise<RebuildResult> {
    return transaction(this.pool, async (client) => {
      // SHARE ROW EXCLUSIVE conflicts with the ROW EXCLUSIVE lock every INSERT takes: ingest on
      // every replica waits (its clients retry) while reads go on.
      await client.query('LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE');
      for (const table of DERIVED_TABLES)
        await client.query(`DELETE FROM ${table} WHERE experiment = $1`, [experiment]);
      const result: RebuildResult = { experiment, folded: 0, quarantined: {} };
      const now = Date.now();
      let after = { ts: Number.MIN_SAFE_INTEGER, id: '' };
      for (;;) {
        const { rows } = await client.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE experiment = $1 AND (ts, id) > ($2, $3)
           ORDER BY ts, id LIMIT $4`,
          [experiment, after.ts, after.id, REBUILD_PAGE],
        );
        if (rows.length === 0) break;
        const { kept, refused } = sortPage(rows.map(toRecord.event), check, result);
        if (refused.length > 0) {
          await client.query(
            `INSERT INTO quarantined_events (id, experiment, event, field, reason, quarantined_at)
             SELECT id, $2, event, field, reason, $6 FROM unnest($1::text[], $3::jsonb[], $4::text[], $5::text[])
               AS q(id, event, field, reason)
             ON CONFLICT (id) DO UPDATE SET event = excluded.event, field = excluded.field, reason = excluded.reason`,
            [
              refused.map((r) => r.event.id),
              experiment,
              refused.map((r) => JSON.stringify(r.event)),
              refused.map((r) => r.field),
              refused.map((r) => r.reason),
              now,
            ],
          );
          await client.query('DELETE FROM events WHERE id = ANY($1::text[])', [
            refused.map((r) => r.event.id),
          ]);
        }
        if (kept.length > 0) await foldInserted(client, kept);
        const last = rows[rows.length - 1]!;
        after = { ts: Number(last.ts), id: last.id };
      }
      return result;
    });
  }
}
