import { acceptedPerBatch, firstSeen } from '../aggregate-deltas.js';
import {
  ARM_COUNTERS,
  addExcluded,
  counterColumns,
  counterKeys,
  UNATTRIBUTED_COUNTERS,
} from '../counters.js';
import {
  type DecisionState,
  decisionKey,
  foldEvents,
  ineligibleKeys,
  touchedDecisions,
  touchedUsers,
  type UserState,
  userKey,
} from '../fold-events.js';
import type { EventRecord } from '../records.js';
import type { DecisionRow, UserRow } from '../row-mapping.js';
import { mergeDay, summaryDaysOf } from '../summary-days.js';
import { type SqliteDatabase, toRecord } from './database.js';
import { MultiRowInsert } from './multi-row.js';

const ARM_KEYS = counterKeys(ARM_COUNTERS);
const TOTAL_KEYS = counterKeys(UNATTRIBUTED_COUNTERS);

/** The keys of one experiment's rows to load, as a JSON array for `json_each`: one bound value, any length. */
function keysByExperiment<K extends { experiment: string }>(
  keys: readonly K[],
  key: (k: K) => string,
): Map<string, string> {
  const grouped = new Map<string, string[]>();
  for (const k of keys) {
    const list = grouped.get(k.experiment);
    if (list) list.push(key(k));
    else grouped.set(k.experiment, [key(k)]);
  }
  return new Map([...grouped].map(([experiment, list]) => [experiment, JSON.stringify(list)]));
}

/**
 * The statements of one ingest, prepared once per connection. Callers run `insertGroup` inside a
 * BEGIN IMMEDIATE transaction: SQLite has one writer, so the reads of user and decision rows below
 * cannot be overtaken by another process before the writes that follow them. Every step is one
 * statement for the whole group (multi-row VALUES, or `json_each` for the reads), not one per event.
 */
export class SqliteIngest {
  private readonly insertEvents;
  private readonly selectUsers;
  private readonly selectDecisions;
  private readonly insertIneligible;
  private readonly writeUsers;
  private readonly writeDecisions;
  private readonly bumpArms;
  private readonly bumpTotals;
  private readonly bumpRollups;
  private readonly selectSummaryDay;
  private readonly writeSummaryDay;

  constructor(db: SqliteDatabase) {
    this.insertEvents = new MultiRowInsert(
      db,
      `INSERT INTO events (id, type, user_id, experiment, arm, probability, model_version, value, latency_ms, ts,
                           variant, policy_version, exposure_id, reason, code, sample_rate, context, received_at)`,
      18,
      'ON CONFLICT (id) DO NOTHING RETURNING id',
    );
    this.selectUsers = db.prepare(
      `SELECT experiment, user_id, arm, first_exposure_ts, reward_count, reward_sum, arm_changes
       FROM experiment_users WHERE experiment = ? AND user_id IN (SELECT value FROM json_each(?))`,
    );
    this.selectDecisions = db.prepare(
      `SELECT experiment, exposure_id, arm, probability, reward_count, reward_sum
       FROM decisions WHERE experiment = ? AND exposure_id IN (SELECT value FROM json_each(?))`,
    );
    this.insertIneligible = new MultiRowInsert(
      db,
      'INSERT INTO experiment_ineligible (experiment, arm, user_id)',
      3,
      'ON CONFLICT DO NOTHING RETURNING experiment, arm, user_id',
    );
    this.writeUsers = new MultiRowInsert(
      db,
      'INSERT OR REPLACE INTO experiment_users (experiment, user_id, arm, first_exposure_ts, reward_count, reward_sum, arm_changes)',
      7,
    );
    this.writeDecisions = new MultiRowInsert(
      db,
      'INSERT OR REPLACE INTO decisions (experiment, exposure_id, arm, probability, reward_count, reward_sum)',
      6,
    );
    this.bumpArms = new MultiRowInsert(
      db,
      `INSERT INTO arm_aggregates (experiment, arm, ${counterColumns(ARM_COUNTERS).join(', ')})`,
      2 + ARM_KEYS.length,
      `ON CONFLICT (experiment, arm) DO UPDATE SET ${addExcluded(ARM_COUNTERS, 'arm_aggregates')}`,
    );
    this.bumpTotals = new MultiRowInsert(
      db,
      `INSERT INTO experiment_totals (experiment, ${counterColumns(UNATTRIBUTED_COUNTERS).join(', ')})`,
      1 + TOTAL_KEYS.length,
      `ON CONFLICT (experiment) DO UPDATE SET ${addExcluded(UNATTRIBUTED_COUNTERS, 'experiment_totals')}`,
    );
    this.selectSummaryDay = db.prepare(
      `SELECT summary, summaries FROM summary_days
       WHERE experiment = ? AND day = ? AND arm = ? AND model_version = ? AND variant = ?`,
    );
    this.writeSummaryDay = db.prepare(
      `INSERT OR REPLACE INTO summary_days (experiment, day, arm, model_version, variant, summary, summaries)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.bumpRollups = new MultiRowInsert(
      db,
      'INSERT INTO event_rollups (experiment, minute, arm, exposures, reward_count, reward_sum, reward_sum_sq)',
      7,
      `ON CONFLICT (experiment, minute, arm) DO UPDATE SET exposures = exposures + excluded.exposures,
         reward_count = reward_count + excluded.reward_count, reward_sum = reward_sum + excluded.reward_sum,
         reward_sum_sq = reward_sum_sq + excluded.reward_sum_sq`,
    );
  }

  /**
   * Inserts the group's new events (an id sent twice, in one batch or two, counts for the first
   * batch that sent it) and folds exactly those in; returns the new-event count per batch.
   */
  insertGroup(batches: readonly EventRecord[][]): number[] {
    const now = Date.now();
    const { unique, owner } = firstSeen(batches);
    const inserted = new Set(
      this.insertEvents
        .all<{ id: string }>(
          unique.map((e) => [
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
            e.variant,
            e.policyVersion,
            e.exposureId,
            e.reason,
            e.code,
            e.sampleRate,
            e.context ?? null,
            now,
          ]),
        )
        .map((r) => r.id),
    );
    if (inserted.size > 0) {
      const stored = unique.filter((e) => inserted.has(e.id));
      this.fold(stored);
      this.mergeSummaryDays(stored);
    }
    return acceptedPerBatch(batches.length, owner, inserted);
  }

  /** Merges new summary events into their day rows: a read and a write per (arm, file, day) touched. */
  private mergeSummaryDays(stored: readonly EventRecord[]): void {
    for (const added of summaryDaysOf(stored)) {
      const key = [added.experiment, added.day, added.arm, added.modelVersion, added.variant];
      const row = this.selectSummaryDay.get(...key) as { summary: string; summaries: number } | undefined;
      const merged = mergeDay(row && { summary: JSON.parse(row.summary), summaries: row.summaries }, added);
      this.writeSummaryDay.run(...key, JSON.stringify(merged.summary), merged.summaries);
    }
  }

  /** Folds events already in the events table into the derived rows (ingest, and a rebuild's pages). */
  fold(stored: EventRecord[]): void {
    const users = new Map<string, UserState>();
    for (const [experiment, ids] of keysByExperiment(touchedUsers(stored), (k) => k.userId)) {
      for (const row of this.selectUsers.all(experiment, ids) as UserRow[])
        users.set(userKey({ experiment: row.experiment, userId: row.user_id }), toRecord.user(row));
    }
    const decisions = new Map<string, DecisionState>();
    for (const [experiment, ids] of keysByExperiment(touchedDecisions(stored), (k) => k.exposureId)) {
      for (const row of this.selectDecisions.all(experiment, ids) as DecisionRow[]) {
        decisions.set(
          decisionKey({ experiment: row.experiment, exposureId: row.exposure_id }),
          toRecord.decision(row),
        );
      }
    }
    const ineligible = this.insertIneligible
      .all<{ experiment: string; arm: string; user_id: string }>(
        ineligibleKeys(stored).map((k) => [k.experiment, k.arm, k.userId]),
      )
      .map((r) => ({ experiment: r.experiment, arm: r.arm, userId: r.user_id }));
    const folded = foldEvents(stored, users, decisions, ineligible);
    this.writeUsers.run(
      folded.users.map((u) => [
        u.experiment,
        u.userId,
        u.arm,
        u.firstExposureTs,
        u.rewardCount,
        u.rewardSum,
        u.armChanges,
      ]),
    );
    this.writeDecisions.run(
      folded.decisions.map((d) => [
        d.experiment,
        d.exposureId,
        d.arm,
        d.probability,
        d.rewardCount,
        d.rewardSum,
      ]),
    );
    this.bumpArms.run(folded.arms.map((a) => [a.experiment, a.arm, ...ARM_KEYS.map((k) => a[k])]));
    this.bumpTotals.run(folded.totals.map((t) => [t.experiment, ...TOTAL_KEYS.map((k) => t[k])]));
    this.bumpRollups.run(
      folded.rollups.map((r) => [
        r.experiment,
        r.minute,
        r.arm,
        r.exposures,
        r.rewardCount,
        r.rewardSum,
        r.rewardSumSq,
      ]),
    );
  }
}
