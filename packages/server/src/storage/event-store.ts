import type { DecisionOutcome } from './decision-log.js';
import type { IngestCommits } from './group-commit.js';
import type {
  ArmAggregate,
  EventRecord,
  ExperimentTotals,
  IngestResult,
  RebuildResult,
  StoredSummary,
  TimelinePoint,
} from './records.js';

/** The rows of an experiment computed from its events: what a rebuild deletes and folds anew. */
export const DERIVED_TABLES = [
  'arm_aggregates',
  'experiment_totals',
  'experiment_users',
  'decisions',
  'experiment_ineligible',
  'event_rollups',
] as const;

/** Events a rebuild reads and folds at a time, in (ts, id) order. */
export const REBUILD_PAGE = 1000;

/** Why a stored event must no longer count, as `[field, reason]`; undefined keeps it. */
export type StoredEventCheck = (event: EventRecord) => [field: string, reason: string] | undefined;

export interface RefusedEvent {
  event: EventRecord;
  field: string;
  reason: string;
}

/** Splits one rebuild page into the events that still count and those to quarantine, tallying the latter. */
export function sortPage(
  page: readonly EventRecord[],
  check: StoredEventCheck,
  result: RebuildResult,
): { kept: EventRecord[]; refused: RefusedEvent[] } {
  const kept: EventRecord[] = [];
  const refused: RefusedEvent[] = [];
  for (const event of page) {
    const problem = check(event);
    if (!problem) {
      kept.push(event);
      continue;
    }
    refused.push({ event, field: problem[0], reason: problem[1] });
    result.quarantined[problem[0]] = (result.quarantined[problem[0]] ?? 0) + 1;
  }
  result.folded += kept.length;
  return { kept, refused };
}

/** Client events and the per-arm totals kept beside them. */
export interface EventStore {
  /**
   * Stores the events whose ids are new and adds them to the per-arm aggregates, in one transaction
   * that is durably committed before this resolves. Ids already stored are counted as duplicates.
   * The same transaction folds them into the per-user and per-decision rows (`fold-events.ts`).
   */
  ingest(events: EventRecord[]): Promise<IngestResult>;
  /** The group commit behind `ingest`: its queue and its commits, for /metrics. */
  readonly commits: IngestCommits;
  /** Per-arm counters (events, users, decisions), sorted by arm. */
  aggregates(experiment: string): Promise<ArmAggregate[]>;
  /** Rewards outside any arm: of users never exposed, of decisions never logged. Zeros if none. */
  totals(experiment: string): Promise<ExperimentTotals>;
  /**
   * Exposures and rewards per bucket (whole minutes) and arm, from the minute rollups, with the users
   * first exposed in each bucket.
   */
  timeline(experiment: string, bucketMs: number): Promise<TimelinePoint[]>;
  /** The experiment's merged summary days in [from, to), by day, arm, version and variant (drift reports). */
  summaries(experiment: string, from: number, to: number): Promise<StoredSummary[]>;
  /** Every exposure of the experiment with what followed it, in time order (contextual policies, OPE). */
  decisionLog(experiment: string): Promise<DecisionOutcome[]>;
  count(): Promise<number>;
  /** The experiments that have stored events, defined or not, sorted. */
  experimentsWithEvents(): Promise<string[]>;
  /**
   * Recomputes the experiment's derived rows ({@link DERIVED_TABLES}) from its stored events, in one
   * transaction that holds off ingest: events `check` refuses move to `quarantined_events`, the rest
   * are folded in (ts, id) order exactly as ingest folds them.
   */
  rebuild(experiment: string, check: StoredEventCheck): Promise<RebuildResult>;
  /**
   * The time (ms) before which raw events were dropped by retention, or null if none ever were: the
   * derived rows still count those events, a rebuild from what is kept would not.
   */
  droppedBefore(): Promise<number | null>;
}
