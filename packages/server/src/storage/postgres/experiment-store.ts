import type pg from 'pg';
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
import { toRecord, transaction } from './database.js';

/** The advisory-lock namespace of policy leases (the second key is the experiment's hashtext). */
const POLICY_LEASE = 0x45_57_50_4c;

export class PostgresExperimentStore implements ExperimentStore {
  constructor(private readonly pool: pg.Pool) {}

  async put(definition: ExperimentDefinition): Promise<ExperimentRecord> {
    const fingerprint = definitionFingerprint(definition);
    // A changed definition invalidates the old bandit weights (arms may differ), so they are cleared.
    await this.pool.query(
      `INSERT INTO experiments AS x (key, definition, fingerprint, policy_version, policy_weights, updated_at)
       VALUES ($1, $2, $3, 1, NULL, $4)
       ON CONFLICT (key) DO UPDATE SET definition = excluded.definition, fingerprint = excluded.fingerprint,
         policy_version = x.policy_version + 1, policy_weights = NULL, context_weights = NULL, updated_at = excluded.updated_at
       WHERE x.fingerprint <> excluded.fingerprint`,
      [definition.key, JSON.stringify(definition), fingerprint, Date.now()],
    );
    return (await this.get(definition.key)) as ExperimentRecord;
  }

  async get(key: string): Promise<ExperimentRecord | undefined> {
    const { rows } = await this.pool.query<ExperimentRow>('SELECT * FROM experiments WHERE key = $1', [key]);
    if (!rows[0]) return undefined;
    const stops = await this.pool.query<StopRow>(
      'SELECT * FROM experiment_stops WHERE experiment = $1 ORDER BY arm',
      [key],
    );
    return toRecord.experiment(rows[0], stops.rows);
  }

  async list(): Promise<ExperimentRecord[]> {
    const { rows } = await this.pool.query<ExperimentRow & { key: string }>(
      'SELECT * FROM experiments ORDER BY key',
    );
    const stops = await this.pool.query<StopRow>('SELECT * FROM experiment_stops ORDER BY experiment, arm');
    return rows.map((row) =>
      toRecord.experiment(
        row,
        stops.rows.filter((s) => s.experiment === row.key),
      ),
    );
  }

  async stop(key: string, arm: string | null, stop: ArmStop, actor: string): Promise<boolean> {
    const armKey = arm ?? WHOLE_EXPERIMENT;
    return transaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO experiment_stops (experiment, arm, at, stopped_by, reason, metric)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (experiment, arm) DO NOTHING`,
        [key, armKey, stop.at, stop.by, stop.reason, stop.metric ?? null],
      );
      if (rowCount !== 1) return false;
      await insertAudit(client, 'stop', key, armKey, actor, stop.reason, stop.at);
      return true;
    });
  }

  async resume(key: string, arm: string | null, actor: string, reason?: string): Promise<boolean> {
    const armKey = arm ?? WHOLE_EXPERIMENT;
    return transaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        'DELETE FROM experiment_stops WHERE experiment = $1 AND arm = $2',
        [key, armKey],
      );
      if (rowCount !== 1) return false;
      await insertAudit(client, 'resume', key, armKey, actor, reason ?? null, Date.now());
      return true;
    });
  }

  async audit(key: string): Promise<AuditRecord[]> {
    const { rows } = await this.pool.query<AuditRow>(
      'SELECT * FROM experiment_audit WHERE experiment = $1 ORDER BY id',
      [key],
    );
    return rows.map(toRecord.audit);
  }

  async savePolicy(
    key: string,
    weights: number[],
    basedOn: number,
    contextWeights?: Record<string, number[]>,
  ): Promise<ExperimentRecord | undefined> {
    const byClass = contextWeights ? JSON.stringify(contextWeights) : null;
    // Compare-and-set: the version check and the history row commit together or not at all.
    const saved = await transaction(this.pool, async (client) => {
      const now = Date.now();
      const { rowCount } = await client.query(
        `UPDATE experiments SET policy_version = policy_version + 1, policy_weights = $1, context_weights = $5,
           updated_at = $2 WHERE key = $3 AND policy_version = $4`,
        [JSON.stringify(weights), now, key, basedOn, byClass],
      );
      if (rowCount !== 1) return false;
      await client.query(
        'INSERT INTO policy_history (experiment, policy_version, weights, context_weights, created_at) VALUES ($1, $2, $3, $5, $4)',
        [key, basedOn + 1, JSON.stringify(weights), now, byClass],
      );
      return true;
    });
    return saved ? this.get(key) : undefined;
  }

  async withPolicyLease<T>(key: string, work: () => Promise<T>): Promise<T | undefined> {
    // A transaction-level lock on a client of its own, held open for the run: it works through
    // PgBouncer's transaction pooling too, and a replica that dies mid-run drops it with its connection.
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ held: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS held',
        [POLICY_LEASE, key],
      );
      if (!rows[0]?.held) return undefined;
      return await work();
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  }

  async policyHistory(key: string): Promise<PolicySnapshot[]> {
    const { rows } = await this.pool.query<PolicyRow>(
      `SELECT policy_version, weights, context_weights, created_at FROM policy_history WHERE experiment = $1 ORDER BY policy_version`,
      [key],
    );
    return rows.map(toRecord.policySnapshot);
  }
}

async function insertAudit(
  client: pg.PoolClient,
  action: 'stop' | 'resume',
  key: string,
  arm: string,
  actor: string,
  reason: string | null,
  at: number,
): Promise<void> {
  await client.query(
    'INSERT INTO experiment_audit (experiment, action, arm, actor, reason, at) VALUES ($1, $2, $3, $4, $5, $6)',
    [key, action, arm, actor, reason, at],
  );
}
