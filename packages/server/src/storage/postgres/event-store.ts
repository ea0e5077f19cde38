import type pg from 'pg';
import { ARM_COUNTERS, counterColumns, UNATTRIBUTED_COUNTERS, zeroCounters } from '../counters.js';
import {
  type DecisionOutcome,
  EXPOSURES_SQL,
  type ExposureRow,
  FOLLOW_UPS_SQL,
  type FollowUpRow,
  joinDecisionLog,
} from '../decision-log.js';
import {
  DERIVED_TABLES,
  type EventStore,
  REBUILD_PAGE,
  type StoredEventCheck,
  sortPage,
} from '../event-store.js';
import { GroupCommit, type IngestCommits } from '../group-commit.js';
import { checkBucket } from '../minute-rollups.js';
import type {
  ArmAggregate,
  EventRecord,
  ExperimentTotals,
  IngestResult,
  RebuildResult,
  StoredSummary,
  TimelinePoint,
} from '../records.js';
import {
  type AggregateRow,
  EVENT_COLUMNS,
  type EventRow,
  mergeUserBuckets,
  type SummaryDayRow,
  summaryFromRow,
  type TimelineRow,
  type TotalsRow,
} from '../row-mapping.js';
import { toRecord, transaction } from './database.js';
import { foldStored, insertGroup } from './ingest.js';

export class PostgresEventStore implements EventStore {
  readonly commits: IngestCommits;
  /**
   * Batches that arrive while a group is being written share the next transaction: four round trips
   * (BEGIN, two statements, COMMIT) and one WAL flush acknowledge all of them.
   */
  private readonly groups = new GroupCommit((batches) =>
    transaction(this.pool, (client) => insertGroup(client, batches)),
  );

  constructor(private readonly pool: pg.Pool) {
    this.commits = this.groups;
  }

  ingest(events: EventRecord[]): Promise<IngestResult> {
    return this.groups.submit(events);
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
      `SELECT (minute / $1) * $1 AS bucket, arm, SUM(exposures) AS exposures,
              SUM(reward_count) AS reward_count, SUM(reward_sum) AS reward_sum,
              SUM(reward_sum_sq) AS reward_sum_sq, 0 AS users
       FROM event_rollups WHERE experiment = $2 GROUP BY 1, arm ORDER BY 1, arm`,
      [checkBucket(bucketMs), experiment],
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

  async decisionLog(experiment: string): Promise<DecisionOutcome[]> {
    const placeholder = (n: number) => `$${n}`;
    const exposures = await this.pool.query<ExposureRow>(EXPOSURES_SQL(placeholder), [experiment]);
    const followUps = await this.pool.query<FollowUpRow>(FOLLOW_UPS_SQL(placeholder), [experiment]);
    return joinDecisionLog(exposures.rows, followUps.rows);
  }

  async summaries(experiment: string, from: number, to: number): Promise<StoredSummary[]> {
    const { rows } = await this.pool.query<SummaryDayRow>(
      `SELECT arm, model_version, variant, day, summary, summaries FROM summary_days
       WHERE experiment = $1 AND day >= $2 AND day < $3 ORDER BY day, arm, model_version, variant`,
      [experiment, from, to],
    );
    return rows.map(summaryFromRow);
  }

  async experimentsWithEvents(): Promise<string[]> {
    const { rows } = await this.pool.query<{ experiment: string }>(
      'SELECT DISTINCT experiment FROM events ORDER BY experiment',
    );
    return rows.map((r) => r.experiment);
  }

  async droppedBefore(): Promise<number | null> {
    const { rows } = await this.pool.query<{ dropped_before: string }>(
      'SELECT dropped_before FROM event_retention',
    );
    return rows[0] ? Number(rows[0].dropped_before) : null;
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
        if (kept.length > 0) await foldStored(client, kept);
        const last = rows[rows.length - 1]!;
        after = { ts: Number(last.ts), id: last.id };
      }
      return result;
    });
  }
}
