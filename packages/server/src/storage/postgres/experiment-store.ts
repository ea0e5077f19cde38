import type pg from 'pg';
import { definitionFingerprint } from '../aggregate-deltas.js';
import type { ExperimentStore } from '../experiment-store.js';
import type { ExperimentDefinition, ExperimentRecord, PolicySnapshot } from '../records.js';
import type { ExperimentRow, PolicyRow } from '../row-mapping.js';
import { toRecord, transaction } from './database.js';

export class PostgresExperimentStore implements ExperimentStore {
  constructor(private readonly pool: pg.Pool) {}

  async put(definition: ExperimentDefinition): Promise<ExperimentRecord> {
    const fingerprint = definitionFingerprint(definition);
    // A changed definition invalidates the old bandit weights (arms may differ), so they are cleared.
    await this.pool.query(
      `INSERT INTO experiments AS x (key, definition, fingerprint, policy_version, policy_weights, updated_at)
       VALUES ($1, $2, $3, 1, NULL, $4)
       ON CONFLICT (key) DO UPDATE SET definition = excluded.definition, fingerprint = excluded.fingerprint,
         policy_version = x.policy_version + 1, policy_weights = NULL, updated_at = excluded.updated_at
       WHERE x.fingerprint <> excluded.fingerprint`,
      [definition.key, JSON.stringify(definition), fingerprint, Date.now()],
    );
    return (await this.get(definition.key)) as ExperimentRecord;
  }

  async get(key: string): Promise<ExperimentRecord | undefined> {
    const { rows } = await this.pool.query<ExperimentRow>('SELECT * FROM experiments WHERE key = $1', [key]);
    return rows[0] ? toRecord.experiment(rows[0]) : undefined;
  }

  async list(): Promise<ExperimentRecord[]> {
    const { rows } = await this.pool.query<ExperimentRow>('SELECT * FROM experiments ORDER BY key');
    return rows.map(toRecord.experiment);
  }

  async savePolicy(key: string, weights: number[], basedOn: number): Promise<ExperimentRecord | undefined> {
    // Compare-and-set: the version check and the history row commit together or not at all.
    const saved = await transaction(this.pool, async (client) => {
      const now = Date.now();
      const { rowCount } = await client.query(
        `UPDATE experiments SET policy_version = policy_version + 1, policy_weights = $1, updated_at = $2
         WHERE key = $3 AND policy_version = $4`,
        [JSON.stringify(weights), now, key, basedOn],
      );
      if (rowCount !== 1) return false;
      await client.query(
        'INSERT INTO policy_history (experiment, policy_version, weights, created_at) VALUES ($1, $2, $3, $4)',
        [key, basedOn + 1, JSON.stringify(weights), now],
      );
      return true;
    });
    return saved ? this.get(key) : undefined;
  }

  async policyHistory(key: string): Promise<PolicySnapshot[]> {
    const { rows } = await this.pool.query<PolicyRow>(
      `SELECT policy_version, weights, created_at FROM policy_history WHERE experiment = $1 ORDER BY policy_version`,
      [key],
    );
    return rows.map(toRecord.policySnapshot);
  }
}
