import type { ArmAggregate, EventRecord, ExperimentTotals, IngestResult, TimelinePoint } from './records.js';

/** Client events and the per-arm totals kept beside them. */
export interface EventStore {
  /**
   * Stores the events whose ids are new and adds them to the per-arm aggregates, in one transaction
   * that is durably committed before this resolves. Ids already stored are counted as duplicates.
   * The same transaction folds them into the per-user and per-decision rows (`fold-events.ts`).
   */
  ingest(events: EventRecord[]): Promise<IngestResult>;
  /** Per-arm counters (events, users, decisions), sorted by arm. */
  aggregates(experiment: string): Promise<ArmAggregate[]>;
  /** Rewards outside any arm: of users never exposed, of decisions never logged. Zeros if none. */
  totals(experiment: string): Promise<ExperimentTotals>;
  /** Event counts per bucket and arm, with the users first exposed in each bucket. */
  timeline(experiment: string, bucketMs: number): Promise<TimelinePoint[]>;
  count(): Promise<number>;
}
