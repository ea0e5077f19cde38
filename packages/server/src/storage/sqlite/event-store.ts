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
import { immediate, type SqliteDatabase, toRecord } from './database.js';
import { SqliteIngest } from './ingest.js';

function prepareReads(db: SqliteDatabase) {
  return {
    aggregates: db.prepare(
      `SELECT experiment, arm, ${counterColumns(ARM_COUNTERS).join(', ')}
       FROM arm_aggregates WHERE experiment = ? ORDER BY arm`,
    ),
    totals: db.prepare(
      `SELECT experiment, ${counterColumns(UNATTRIBUTED_COUNTERS).join(', ')}
       FROM experiment_totals WHERE experiment = ?`,
    ),
  };
}

export class SqliteEventStore implements EventStore {
  private ingestStatements?: SqliteIngest;
  private readStatements?: ReturnType<typeof prepareReads>;
  readonly commits: IngestCommits;
  /** Batches that arrive while the event loop is busy share one transaction, so one fsync acknowledges all. */
  private readonly groups = new GroupCommit((batches) => {
    // Prepared lazily: the tables exist only once the store is migrated.
    this.ingestStatements ??= new SqliteIngest(this.db);
    const statements = this.ingestStatements;
    return immediate(this.db, () => statements.insertGroup(batches));
  });

  constructor(private readonly db: SqliteDatabase) {
    this.commits = this.groups;
  }

  ingest(events: EventRecord[]): Promise<IngestResult> {
    return this.groups.submit(events);
  }

  private get reads(): ReturnType<typeof prepareReads> {
    this.readStatements ??= prepareReads(this.db);
    return this.readStatements;
  }

  async aggregates(experiment: string): Promise<ArmAggregate[]> {
    // Read after every batch by the guardrail monitor: prepared once, not per call.
    const rows = this.reads.aggregates.all(experiment) as AggregateRow[];
    return rows.map(toRecord.aggregate);
  }

  async totals(experiment: string): Promise<ExperimentTotals> {
    const row = this.reads.totals.get(experiment) as TotalsRow | undefined;
    return row ? toRecord.totals(row) : { experiment, ...zeroCounters(UNATTRIBUTED_COUNTERS) };
  }

  async timeline(experiment: string, bucketMs: number): Promise<TimelinePoint[]> {
    const rows = this.db
      .prepare(
        `SELECT (minute / CAST(? AS INTEGER)) * CAST(? AS INTEGER) AS bucket, arm,
                SUM(exposures) AS exposures, SUM(reward_count) AS reward_count,
                SUM(reward_sum) AS reward_sum, SUM(reward_sum_sq) AS reward_sum_sq, 0 AS users
         FROM event_rollups WHERE experiment = ? GROUP BY bucket, arm ORDER BY bucket, arm`,
      )
      .all(checkBucket(bucketMs), bucketMs, experiment) as TimelineRow[];
    const users = this.db
      .prepare(
        `SELECT (first_exposure_ts / CAST(? AS INTEGER)) * CAST(? AS INTEGER) AS bucket, arm, COUNT(*) AS users
         FROM experiment_users WHERE experiment = ? AND arm IS NOT NULL GROUP BY bucket, arm`,
      )
      .all(bucketMs, bucketMs, experiment) as { bucket: number; arm: string; users: number }[];
    return mergeUserBuckets(rows.map(toRecord.timelinePoint), users);
  }

  async count(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  async decisionLog(experiment: string): Promise<DecisionOutcome[]> {
    const exposures = this.db.prepare(EXPOSURES_SQL(() => '?')).all(experiment) as ExposureRow[];
    const followUps = this.db.prepare(FOLLOW_UPS_SQL(() => '?')).all(experiment) as FollowUpRow[];
    return joinDecisionLog(exposures, followUps);
  }

  async summaries(experiment: string, from: number, to: number): Promise<StoredSummary[]> {
    const rows = this.db
      .prepare(
        `SELECT arm, model_version, variant, day, summary, summaries FROM summary_days
         WHERE experiment = ? AND day >= ? AND day < ? ORDER BY day, arm, model_version, variant`,
      )
      .all(experiment, from, to) as SummaryDayRow[];
    return rows.map(summaryFromRow);
  }

  async experimentsWithEvents(): Promise<string[]> {
    const rows = this.db.prepare('SELECT DISTINCT experiment FROM events ORDER BY experiment').all();
    return (rows as { experiment: string }[]).map((r) => r.experiment);
  }

  /** SQLite keeps every event (no retention). */
  async droppedBefore(): Promise<number | null> {
    return null;
  }

  async rebuild(experiment: string, check: StoredEventCheck): Promise<RebuildResult> {
    this.ingestStatements ??= new SqliteIngest(this.db);
    const statements = this.ingestStatements;
    const page = this.db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE experiment = ? AND (ts > ? OR (ts = ? AND id > ?))
       ORDER BY ts, id LIMIT ?`,
    );
    const quarantine = this.db.prepare(
      `INSERT OR REPLACE INTO quarantined_events (id, experiment, event, field, reason, quarantined_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const remove = this.db.prepare('DELETE FROM events WHERE id = ?');
    // One write transaction: SQLite's single writer keeps ingest out until the rows are whole again.
    return immediate(this.db, () => {
      for (const table of DERIVED_TABLES)
        this.db.prepare(`DELETE FROM ${table} WHERE experiment = ?`).run(experiment);
      const result: RebuildResult = { experiment, folded: 0, quarantined: {} };
      const now = Date.now();
      let after = { ts: Number.MIN_SAFE_INTEGER, id: '' };
      for (;;) {
        const rows = page.all(experiment, after.ts, after.ts, after.id, REBUILD_PAGE) as EventRow[];
        if (rows.length === 0) break;
        const { kept, refused } = sortPage(rows.map(toRecord.event), check, result);
        for (const r of refused) {
          quarantine.run(r.event.id, experiment, JSON.stringify(r.event), r.field, r.reason, now);
          remove.run(r.event.id);
        }
        if (kept.length > 0) statements.fold(kept);
        const last = rows[rows.length - 1]!;
        after = { ts: Number(last.ts), id: last.id };
      }
      return result;
    });
  }
}
