import { uniqueById } from '../aggregate-deltas.js';
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
import { type SqliteDatabase, toRecord } from './database.js';

const ARM_KEYS = counterKeys(ARM_COUNTERS);
const TOTAL_KEYS = counterKeys(UNATTRIBUTED_COUNTERS);
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * The statements of one ingest, prepared once per connection. Callers run `insertBatches` inside a
 * BEGIN IMMEDIATE transaction: SQLite has one writer, so the reads of user and decision rows below
 * cannot be overtaken by another process before the writes that follow them.
 */
export class SqliteIngest {
  private readonly insert;
  private readonly selectUser;
  private readonly selectDecision;
  private readonly insertIneligible;
  private readonly writeUser;
  private readonly writeDecision;
  private readonly bumpArm;
  private readonly bumpTotals;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare(
      `INSERT INTO events (id, type, user_id, experiment, arm, probability, model_version, value, latency_ms, ts,
                           variant, policy_version, exposure_id, reason, code, sample_rate, received_at)
       VALUES (${placeholders(17)}) ON CONFLICT (id) DO NOTHING`,
    );
    this.selectUser = db.prepare(
      `SELECT experiment, user_id, arm, first_exposure_ts, reward_count, reward_sum, arm_changes
       FROM experiment_users WHERE experiment = ? AND user_id = ?`,
    );
    this.selectDecision = db.prepare(
      `SELECT experiment, exposure_id, arm, probability, reward_count, reward_sum
       FROM decisions WHERE experiment = ? AND exposure_id = ?`,
    );
    this.insertIneligible = db.prepare(
      'INSERT INTO experiment_ineligible (experiment, arm, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.writeUser = db.prepare(
      `INSERT OR REPLACE INTO experiment_users (experiment, user_id, arm, first_exposure_ts, reward_count, reward_sum, arm_changes)
       VALUES (${placeholders(7)})`,
    );
    this.writeDecision = db.prepare(
      `INSERT OR REPLACE INTO decisions (experiment, exposure_id, arm, probability, reward_count, reward_sum)
       VALUES (${placeholders(6)})`,
    );
    this.bumpArm = db.prepare(
      `INSERT INTO arm_aggregates (experiment, arm, ${counterColumns(ARM_COUNTERS).join(', ')})
       VALUES (${placeholders(2 + ARM_KEYS.length)})
       ON CONFLICT (experiment, arm) DO UPDATE SET ${addExcluded(ARM_COUNTERS, 'arm_aggregates')}`,
    );
    this.bumpTotals = db.prepare(
      `INSERT INTO experiment_totals (experiment, ${counterColumns(UNATTRIBUTED_COUNTERS).join(', ')})
       VALUES (${placeholders(1 + TOTAL_KEYS.length)})
       ON CONFLICT (experiment) DO UPDATE SET ${addExcluded(UNATTRIBUTED_COUNTERS, 'experiment_totals')}`,
    );
  }

  /** Inserts each batch's new events and folds exactly those in; returns the new-event count per batch. */
  insertBatches(batches: EventRecord[][]): number[] {
    const now = Date.now();
    const stored: EventRecord[] = [];
    const accepted = batches.map((events) => {
      let n = 0;
      for (const e of uniqueById(events).unique) {
        const info = this.insert.run(
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
          now,
        );
        if (info.changes === 1) {
          stored.push(e);
          n++;
        }
      }
      return n;
    });
    if (stored.length > 0) this.fold(stored);
    return accepted;
  }

  /** Folds events already in the events table into the derived rows (ingest, and a rebuild's pages). */
  fold(stored: EventRecord[]): void {
    const users = new Map<string, UserState>();
    for (const k of touchedUsers(stored)) {
      const row = this.selectUser.get(k.experiment, k.userId) as UserRow | undefined;
      if (row) users.set(userKey(k), toRecord.user(row));
    }
    const decisions = new Map<string, DecisionState>();
    for (const k of touchedDecisions(stored)) {
      const row = this.selectDecision.get(k.experiment, k.exposureId) as DecisionRow | undefined;
      if (row) decisions.set(decisionKey(k), toRecord.decision(row));
    }
    const ineligible = ineligibleKeys(stored).filter(
      (k) => this.insertIneligible.run(k.experiment, k.arm, k.userId).changes === 1,
    );
    const folded = foldEvents(stored, users, decisions, ineligible);
    for (const u of folded.users) {
      this.writeUser.run(
        u.experiment,
        u.userId,
        u.arm,
        u.firstExposureTs,
        u.rewardCount,
        u.rewardSum,
        u.armChanges,
      );
    }
    for (const d of folded.decisions) {
      this.writeDecision.run(d.experiment, d.exposureId, d.arm, d.probability, d.rewardCount, d.rewardSum);
    }
    for (const a of folded.arms) this.bumpArm.run(a.experiment, a.arm, ...ARM_KEYS.map((k) => a[k]));
    for (const t of folded.totals) this.bumpTotals.run(t.experiment, ...TOTAL_KEYS.map((k) => t[k]));
  }
}
