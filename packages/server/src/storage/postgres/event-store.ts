import type pg from 'pg';
import { aggregateDeltas, uniqueById } from '../aggregate-deltas.js';
import type { EventStore } from '../event-store.js';
import type { ArmAggregate, EventRecord, IngestResult, TimelinePoint } from '../records.js';
import type { AggregateRow, TimelineRow } from '../row-mapping.js';
import { toRecord, transaction } from './database.js';

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
        `INSERT INTO events (id, type, user_id, experiment, arm, probability, model_version, value, latency_ms, ts, received_at)
         SELECT *, $11::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[],
                                   $7::text[], $8::float8[], $9::float8[], $10::bigint[])
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
          now,
        ],
      );
      const ids = new Set(inserted.map((r) => r.id));
      await this.bump(client, aggregateDeltas(unique.filter((e) => ids.has(e.id))));
      return ids.size;
    });
    return { accepted, duplicates: events.length - accepted };
  }

  /** Adds only the events this transaction inserted, so a retried batch is never counted twice. */
  private async bump(client: pg.PoolClient, deltas: ArmAggregate[]): Promise<void> {
    if (deltas.length === 0) return;
    const d = <K extends keyof ArmAggregate>(k: K) => deltas.map((x) => x[k]);
    await client.query(
      `INSERT INTO arm_aggregates AS a (experiment, arm, exposures, predictions, reward_count, reward_sum, reward_sum_sq)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::float8[], $7::float8[])
       ON CONFLICT (experiment, arm) DO UPDATE SET
         exposures = a.exposures + excluded.exposures,
         predictions = a.predictions + excluded.predictions,
         reward_count = a.reward_count + excluded.reward_count,
         reward_sum = a.reward_sum + excluded.reward_sum,
         reward_sum_sq = a.reward_sum_sq + excluded.reward_sum_sq`,
      [
        d('experiment'),
        d('arm'),
        d('exposures'),
        d('predictions'),
        d('rewardCount'),
        d('rewardSum'),
        d('rewardSumSq'),
      ],
    );
  }

  async aggregates(experiment: string): Promise<ArmAggregate[]> {
    const { rows } = await this.pool.query<AggregateRow>(
      `SELECT experiment, arm, exposures, predictions, reward_count, reward_sum, reward_sum_sq
       FROM arm_aggregates WHERE experiment = $1 ORDER BY arm`,
      [experiment],
    );
    return rows.map(toRecord.aggregate);
  }

  async timeline(experiment: string, bucketMs: number): Promise<TimelinePoint[]> {
    const { rows } = await this.pool.query<TimelineRow>(
      `SELECT (ts / $1) * $1 AS bucket, arm,
              COUNT(*) FILTER (WHERE type = 'exposure') AS exposures,
              COUNT(*) FILTER (WHERE type = 'reward') AS reward_count,
              COALESCE(SUM(COALESCE(value, 0)) FILTER (WHERE type = 'reward'), 0) AS reward_sum,
              COALESCE(SUM(COALESCE(value, 0) * COALESCE(value, 0)) FILTER (WHERE type = 'reward'), 0) AS reward_sum_sq
       FROM events WHERE experiment = $2 GROUP BY 1, arm ORDER BY 1, arm`,
      [bucketMs, experiment],
    );
    return rows.map(toRecord.timelinePoint);
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM events');
    return Number(rows[0]?.n ?? 0);
  }
}
