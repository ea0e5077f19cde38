import { aggregateDeltas, uniqueById } from '../aggregate-deltas.js';
import type { EventStore } from '../event-store.js';
import type { ArmAggregate, EventRecord, IngestResult, TimelinePoint } from '../records.js';
import type { AggregateRow, TimelineRow } from '../row-mapping.js';
import { immediate, type SqliteDatabase, toRecord } from './database.js';

interface PendingBatch {
  events: EventRecord[];
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

export class SqliteEventStore implements EventStore {
  private readonly pendingBatches: PendingBatch[] = [];

  constructor(private readonly db: SqliteDatabase) {}

  /**
   * Group commit: batches that arrive while the event loop is busy are written in one transaction,
   * so one fsync acknowledges all of them. Each caller still resolves only after that commit.
   */
  ingest(events: EventRecord[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.pendingBatches.push({ events, resolve, reject });
      if (this.pendingBatches.length === 1) setImmediate(() => this.flushBatches());
    });
  }

  private flushBatches(): void {
    const group = this.pendingBatches.splice(0);
    let accepted: number[];
    try {
      accepted = immediate(this.db, () => this.insertBatches(group.map((batch) => batch.events)));
    } catch (error) {
      for (const batch of group) batch.reject(error);
      return;
    }
    group.forEach((batch, i) => {
      const n = accepted[i] ?? 0;
      batch.resolve({ accepted: n, duplicates: batch.events.length - n });
    });
  }

  /** Inserts each batch's new events and bumps the aggregates by exactly those; returns counts per batch. */
  private insertBatches(batches: EventRecord[][]): number[] {
    const insert = this.db.prepare(
      `INSERT INTO events (id, type, user_id, experiment, arm, probability, model_version, value, latency_ms, ts, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    const bump = this.db.prepare(
      `INSERT INTO arm_aggregates (experiment, arm, exposures, predictions, reward_count, reward_sum, reward_sum_sq)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (experiment, arm) DO UPDATE SET
         exposures = exposures + excluded.exposures,
         predictions = predictions + excluded.predictions,
         reward_count = reward_count + excluded.reward_count,
         reward_sum = reward_sum + excluded.reward_sum,
         reward_sum_sq = reward_sum_sq + excluded.reward_sum_sq`,
    );
    const now = Date.now();
    const stored: EventRecord[] = [];
    const accepted = batches.map((events) => {
      let n = 0;
      for (const e of uniqueById(events).unique) {
        const info = insert.run(
          e.id,
          e.type,
          e.userId,
          e.experiment,
          e.arm,
          e.probability,
          e.modelVersion,
          e.value,
          e.latencyMs,
          e.ts,
          now,
        );
        if (info.changes === 1) {
          stored.push(e);
          n++;
        }
      }
      return n;
    });
    for (const d of aggregateDeltas(stored)) {
      bump.run(d.experiment, d.arm, d.exposures, d.predictions, d.rewardCount, d.rewardSum, d.rewardSumSq);
    }
    return accepted;
  }

  async aggregates(experiment: string): Promise<ArmAggregate[]> {
    const rows = this.db
      .prepare(
        `SELECT experiment, arm, exposures, predictions, reward_count, reward_sum, reward_sum_sq
         FROM arm_aggregates WHERE experiment = ? ORDER BY arm`,
      )
      .all(experiment) as AggregateRow[];
    return rows.map(toRecord.aggregate);
  }

  async timeline(experiment: string, bucketMs: number): Promise<TimelinePoint[]> {
    const rows = this.db
      .prepare(
        `SELECT (ts / CAST(? AS INTEGER)) * CAST(? AS INTEGER) AS bucket, arm,
                SUM(type = 'exposure') AS exposures,
                SUM(type = 'reward') AS reward_count,
                COALESCE(SUM(CASE WHEN type = 'reward' THEN COALESCE(value, 0) END), 0) AS reward_sum,
                COALESCE(SUM(CASE WHEN type = 'reward' THEN COALESCE(value, 0) * COALESCE(value, 0) END), 0) AS reward_sum_sq
         FROM events WHERE experiment = ? GROUP BY bucket, arm ORDER BY bucket, arm`,
      )
      .all(bucketMs, bucketMs, experiment) as TimelineRow[];
    return rows.map(toRecord.timelinePoint);
  }

  async count(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }
}
