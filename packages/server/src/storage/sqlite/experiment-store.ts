import { definitionFingerprint } from '../aggregate-deltas.js';
import type { ExperimentStore } from '../experiment-store.js';
import type { ExperimentDefinition, ExperimentRecord, PolicySnapshot } from '../records.js';
import type { ExperimentRow, PolicyRow } from '../row-mapping.js';
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
             policy_version = experiments.policy_version + 1, policy_weights = NULL, updated_at = excluded.updated_at`,
        )
        .run(definition.key, JSON.stringify(definition), fingerprint, Date.now());
    });
    return (await this.get(definition.key)) as ExperimentRecord;
  }

  async get(key: string): Promise<ExperimentRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM experiments WHERE key = ?').get(key) as
      | ExperimentRow
      | undefined;
    return row ? toRecord.experiment(row) : undefined;
  }

  async list(): Promise<ExperimentRecord[]> {
    const rows = this.db.prepare('SELECT * FROM experiments ORDER BY key').all() as ExperimentRow[];
    return rows.map(toRecord.experiment);
  }

  async savePolicy(key: string, weights: number[], basedOn: number): Promise<ExperimentRecord | undefined> {
    const now = Date.now();
    // Compare-and-set: the version check and the history row commit together or not at all.
    const saved = immediate(this.db, () => {
      const info = this.db
        .prepare(
          `UPDATE experiments SET policy_version = policy_version + 1, policy_weights = ?, updated_at = ?
           WHERE key = ? AND policy_version = ?`,
        )
        .run(JSON.stringify(weights), now, key, basedOn);
      if (info.changes !== 1) return false;
      this.db
        .prepare(
          'INSERT INTO policy_history (experiment, policy_version, weights, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(key, basedOn + 1, JSON.stringify(weights), now);
      return true;
    });
    return saved ? this.get(key) : undefined;
  }

  async policyHistory(key: string): Promise<PolicySnapshot[]> {
    const rows = this.db
      .prepare(
        'SELECT policy_version, weights, created_at FROM policy_history WHERE experiment = ? ORDER BY policy_version',
      )
      .all(key) as PolicyRow[];
    return rows.map(toRecord.policySnapshot);
  }
}
