import type { ArmAggregate, EventRecord, IngestResult, TimelinePoint } from './records.js';

/** Client events and the per-arm totals kept beside them. */
export interface EventStore {
  /**
   * Stores the events whose ids are new and adds them to the per-arm aggregates, in one transaction
   * that is durably committed before this resolves. Ids already stored are counted as duplicates.
   */
  ingest(events: EventRecord[]): Promise<IngestResult>;
  aggregates(experiment: string): Promise<ArmAggregate[]>;
  timeline(experiment: string, bucketMs: number): Promise<TimelinePoint[]>;
  count(): Promise<number>;
}
