import { definitionFingerprint } from '../aggregate-deltas.js';
import type { ExperimentStore } from '../experiment-store.js';
import type {
  ArmStop,
  AuditRecord,
  ExperimentDefinition,
  ExperimentRecord,
  PolicySnapshot,
} from '../records.js';
import {
  type AuditRow,
  type ExperimentRow,
  type PolicyRow,
  type StopRow,
  WHOLE_EXPERIMENT,
} from '../row-mapping.js';
import { immediate, type SqliteDatabase, toRecord } from './database.js';

export class SqliteExperimentStore implements ExperimentStore {
  constructor(private readonly db: SqliteDatabase) {}

  async put(definition: ExperimentDefinition): Promise<ExperimentRecord> {
    const fingerprint = definitionFingerprint(definition);
    immediate(this.db, () => {
      const row = this.db.prepare('SELECT fingerprint FROM experiments WHERE key = ?').get(definition.key) as
        | { fingerprint: string }
        | undefined;
      if (row?.fingerprint === fingerprint) return;
      // A changed definition invalidates the old bandit weights (arms may differ), so they are cleared.
      this.db
        .prepare(
          `INSERT INTO experiments (key, definition, fingerprint, policy_version, policy_weights, updated_at)
           VALUES (?, ?, ?, 1, NULL, ?)
           ON CONFLICT (key) DO UPDATE SET definition = excluded.definition, fingerprint = excluded.fingerprint,
             policy_version = experiments.policy_version + 1, policy_weights = NULL, context_weights = NULL, updated_at = excluded.updated_at`,
        )
        .run(definition.key, JSON.stringify(definition), fingerprint, Date.now());
    });
    return (await this.get(definition.key)) as ExperimentRecord;
  }

  async get(key: string): Promise<ExperimentRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM experiments WHERE key = ?').get(key) as
      | ExperimentRow
      | undefined;
    if (!row) return undefined;
    const stops = this.db
      .prepare('SELECT * FROM experiment_stops WHERE experiment = ? ORDER BY arm')
      .all(key) as StopRow[];
    return toRecord.experiment(row, stops);
  }

  async list(): Promise<ExperimentRecord[]> {
    const rows = this.db.prepare('SELECT * FROM experiments ORDER BY key').all() as (ExperimentRow & {
      key: string;
    })[];
    const stops = this.db
      .prepare('SELECT * FROM experiment_stops ORDER BY experiment, arm')
      .all() as StopRow[];
    return rows.map((row) =>
      toRecord.experiment(
        row,
        stops.filter((s) => s.experiment === row.key),
      ),
    );
  }

  async stop(key: string, arm: string | null, stop: ArmStop, actor: string): Promise<boolean> {
    const armKey = arm ?? WHOLE_EXPERIMENT;
    return immediate(this.db, () => {
      const info = this.db
        .prepare(
          `INSERT INTO experiment_stops (experiment, arm, at, stopped_by, reason, metric)
           VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (experiment, arm) DO NOTHING`,
        )
        .run(key, armKey, stop.at, stop.by, stop.reason, stop.metric ?? null);
      if (info.changes !== 1) return false;
      this.writeAudit('stop', key, armKey, actor, stop.reason, stop.at);
      return true;
    });
  }

  async resume(key: string, arm: string | null, actor: string, reason?: string): Promise<boolean> {
    const armKey = arm ?? WHOLE_EXPERIMENT;
    return immediate(this.db, () => {
      const info = this.db
        .prepare('DELETE FROM experiment_stops WHERE experiment = ? AND arm = ?')
        .run(key, armKey);
      if (info.changes !== 1) return false;
      this.writeAudit('resume', key, armKey, actor, reason ?? null, Date.now());
      return true;
    });
  }

  async audit(key: string): Promise<AuditRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM experiment_audit WHERE experiment = ? ORDER BY id')
      .all(key) as AuditRow[];
    return rows.map(toRecord.audit);
  }

  private writeAudit(
    action: 'stop' | 'resume',
    key: string,
    arm: string,
    actor: string,
    reason: string | null,
    at: number,
  ): void {
    this.db
      .prepare(
        'INSERT INTO experiment_audit (experiment, action, arm, actor, reason, at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(key, action, arm, actor, reason, at);
  }

  async savePolicy(
    key: string,
    weights: number[],
    basedOn: number,
    contextWeights?: Record<string, number[]>,
  ): Promise<ExperimentRecord | undefined> {
    const byClass = contextWeights ? JSON.stringify(contextWeights) : null;
    const now = Date.now();
    // Compare-and-set: the version check and the history row commit together or not at all.
    const saved = immediate(this.db, () => {
      const info = this.db
        .prepare(
          `UPDATE experiments SET policy_version = policy_version + 1, policy_weights = ?, context_weights = ?,
             updated_at = ? WHERE key = ? AND policy_version = ?`,
        )
        .run(JSON.stringify(weights), byClass, now, key, basedOn);
      if (info.changes !== 1) return false;
      this.db
        .prepare(
          'INSERT INTO policy_history (experiment, policy_version, weights, context_weights, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(key, basedOn + 1, JSON.stringify(weights), byClass, now);
      return true;
    });
    return saved ? this.get(key) : undefined;
  }

  /** One process serves a SQLite file: its own runs are the only ones to keep apart. */
  readonly #leased = new Set<string>();

  async withPolicyLease<T>(key: string, work: () => Promise<T>): Promise<T | undefined> {
    if (this.#leased.has(key)) return undefined;
    this.#leased.add(key);
    try {
      return await work();
    } finally {
      this.#leased.delete(key);
    }
  }

  async policyHistory(key: string): Promise<PolicySnapshot[]> {
    const rows = this.db
      .prepare(
        'SELECT policy_version, weights, context_weights, created_at FROM policy_history WHERE experiment = ? ORDER BY policy_version',
      )
      .all(key) as PolicyRow[];
    return rows.map(toRecord.policySnapshot);
  }
}
