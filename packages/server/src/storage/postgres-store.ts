import pg from 'pg';
import { ServerError } from '../errors.js';
import { aggregateDeltas, definitionFingerprint, uniqueById } from './aggregate-deltas.js';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';
import type {
  ArmAggregate,
  ChannelRecord,
  EventRecord,
  ExperimentDefinition,
  ExperimentRecord,
  IngestResult,
  ModelVersionRecord,
  PolicySnapshot,
  TaskRecord,
  TimelinePoint,
  VersionStatus,
} from './records.js';
import type { Store } from './store.js';

/** Any constant: every replica takes the same advisory lock, so only one migrates at a time. */
const MIGRATION_LOCK = 0x45_57_4d_47;
/** Deadlock and serialization failures are safe to retry: the transaction was rolled back. */
const RETRYABLE = new Set(['40P01', '40001']);

// BIGINT columns hold counts and epoch ms, all far below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

interface ExperimentRow {
  definition: ExperimentDefinition;
  policy_version: number;
  policy_weights: number[] | null;
  updated_at: number;
}

interface TaskRow {
  id: string;
  status: TaskRecord['status'];
  request: unknown;
  result: unknown;
  error: string | null;
  created_at: number;
  updated_at: number;
}

const toExperiment = (row: ExperimentRow): ExperimentRecord => ({
  ...row.definition,
  policyVersion: row.policy_version,
  policyWeights: row.policy_weights,
  updatedAt: row.updated_at,
});

const toTask = (row: TaskRow): TaskRecord => ({
  id: row.id,
  status: row.status,
  request: row.request,
  result: row.result ?? null,
  error: row.error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Postgres behind the Store interface; a pool per process, default synchronous_commit (durable). */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(connectionString: string, options: { maxConnections?: number } = {}) {
    this.pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 10, types });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        const code = (error as { code?: string }).code;
        if (attempt < 5 && code && RETRYABLE.has(code)) continue;
        throw error;
      } finally {
        client.release();
      }
    }
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
        );
        const { rows } = await client.query<{ v: number | null }>(
          'SELECT MAX(version) AS v FROM schema_migrations',
        );
        for (let v = (rows[0]?.v ?? 0) + 1; v <= POSTGRES_MIGRATIONS.length; v++) {
          await client.query('BEGIN');
          await client.query(POSTGRES_MIGRATIONS[v - 1] as string);
          await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
            v,
            Date.now(),
          ]);
          await client.query('COMMIT');
        }
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async ingest(events: EventRecord[]): Promise<IngestResult> {
    const { unique } = uniqueById(events);
    if (unique.length === 0) return { accepted: 0, duplicates: events.length };
    const accepted = await this.transaction(async (client) => {
      const now = Date.now();
      const col = <K extends keyof EventRecord>(k: K) => unique.map((e) => e[k]);
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO events (id, type, user_id, experiment, arm, probability, model_version, value, latency_ms, ts, received_at)
         SELECT *, $11::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[],
                                   $7::text[], $8::float8[], $9::float8[], $10::bigint[])
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [
          col('id'),
          col('type'),
          col('userId'),
          col('experiment'),
          col('arm'),
          col('probability'),
          col('modelVersion'),
          col('value'),
          col('latencyMs'),
          col('ts'),
          now,
        ],
      );
      const inserted = new Set(rows.map((r) => r.id));
      const deltas = aggregateDeltas(unique.filter((e) => inserted.has(e.id)));
      if (deltas.length > 0) {
        const d = <K extends keyof ArmAggregate>(k: K) => deltas.map((x) => x[k]);
        await client.query(
          `INSERT INTO arm_aggregates AS a (experiment, arm, exposures, predictions, reward_count, reward_sum, reward_sum_sq)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::float8[], $7::float8[])
           ON CONFLICT (experiment, arm) DO UPDATE SET
             exposures = a.exposures + excluded.exposures,
             predictions = a.predictions + excluded.predictions,
             reward_count = a.reward_count + excluded.reward_count,
             reward_sum = a.reward_sum + excluded.reward_sum,
             reward_sum_sq = a.reward_sum_sq + excluded.reward_sum_sq`,
          [
            d('experiment'),
            d('arm'),
            d('exposures'),
            d('predictions'),
            d('rewardCount'),
            d('rewardSum'),
            d('rewardSumSq'),
          ],
        );
      }
      return inserted.size;
    });
    return { accepted, duplicates: events.length - accepted };
  }

  async aggregates(experiment: string): Promise<ArmAggregate[]> {
    const { rows } = await this.pool.query<ArmAggregate>(
      `SELECT experiment, arm, exposures, predictions, reward_count AS "rewardCount", reward_sum AS "rewardSum",
              reward_sum_sq AS "rewardSumSq" FROM arm_aggregates WHERE experiment = $1 ORDER BY arm`,
      [experiment],
    );
    return rows;
  }

  async timeline(experiment: string, bucketMs: number): Promise<TimelinePoint[]> {
    const { rows } = await this.pool.query<TimelinePoint>(
      `SELECT (ts / $1) * $1 AS bucket, arm,
              COUNT(*) FILTER (WHERE type = 'exposure')::bigint AS exposures,
              COUNT(*) FILTER (WHERE type = 'reward')::bigint AS "rewardCount",
              COALESCE(SUM(COALESCE(value, 0)) FILTER (WHERE type = 'reward'), 0) AS "rewardSum",
              COALESCE(SUM(COALESCE(value, 0) * COALESCE(value, 0)) FILTER (WHERE type = 'reward'), 0) AS "rewardSumSq"
       FROM events WHERE experiment = $2 GROUP BY 1, arm ORDER BY 1, arm`,
      [bucketMs, experiment],
    );
    return rows;
  }

  async countEvents(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM events');
    return rows[0]?.n ?? 0;
  }

  async putExperiment(definition: ExperimentDefinition): Promise<ExperimentRecord> {
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
    return (await this.getExperiment(definition.key)) as ExperimentRecord;
  }

  async getExperiment(key: string): Promise<ExperimentRecord | undefined> {
    const { rows } = await this.pool.query<ExperimentRow>('SELECT * FROM experiments WHERE key = $1', [key]);
    return rows[0] ? toExperiment(rows[0]) : undefined;
  }

  async listExperiments(): Promise<ExperimentRecord[]> {
    const { rows } = await this.pool.query<ExperimentRow>('SELECT * FROM experiments ORDER BY key');
    return rows.map(toExperiment);
  }

  async savePolicy(key: string, weights: number[], basedOn: number): Promise<ExperimentRecord | undefined> {
    const saved = await this.transaction(async (client) => {
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
    return saved ? this.getExperiment(key) : undefined;
  }

  async policyHistory(key: string): Promise<PolicySnapshot[]> {
    const { rows } = await this.pool.query<PolicySnapshot>(
      `SELECT policy_version AS "policyVersion", weights, created_at AS "createdAt"
       FROM policy_history WHERE experiment = $1 ORDER BY policy_version`,
      [key],
    );
    return rows;
  }

  async publishModel(record: ModelVersionRecord, bytes: Uint8Array): Promise<void> {
    const { rowCount } = await this.pool.query(
      'INSERT INTO model_versions (name, version, record, status, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      [record.name, record.version, JSON.stringify(record), record.status, Buffer.from(bytes)],
    );
    if (rowCount !== 1) {
      throw new ServerError(
        'CONFLICT',
        `${record.name}@${record.version} is already published; versions are immutable, publish a new version`,
      );
    }
  }

  private async modelRows(where: string, args: string[]): Promise<ModelVersionRecord[]> {
    const { rows } = await this.pool.query<{ record: ModelVersionRecord; status: VersionStatus }>(
      `SELECT record, status FROM model_versions ${where} ORDER BY name, version`,
      args,
    );
    return rows.map((r) => ({ ...r.record, status: r.status }));
  }

  listModels(): Promise<ModelVersionRecord[]> {
    return this.modelRows('', []);
  }

  async getModel(name: string, version: string): Promise<ModelVersionRecord | undefined> {
    return (await this.modelRows('WHERE name = $1 AND version = $2', [name, version]))[0];
  }

  async modelBytes(name: string, version: string): Promise<Uint8Array | undefined> {
    const { rows } = await this.pool.query<{ data: Buffer }>(
      'SELECT data FROM model_versions WHERE name = $1 AND version = $2',
      [name, version],
    );
    const data = rows[0]?.data;
    return data ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined;
  }

  async setModelStatus(name: string, version: string, status: VersionStatus): Promise<void> {
    await this.pool.query('UPDATE model_versions SET status = $1 WHERE name = $2 AND version = $3', [
      status,
      name,
      version,
    ]);
  }

  async setChannel(channel: ChannelRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO channels (name, channel, version) VALUES ($1, $2, $3)
       ON CONFLICT (name, channel) DO UPDATE SET version = excluded.version`,
      [channel.name, channel.channel, channel.version],
    );
  }

  async listChannels(): Promise<ChannelRecord[]> {
    const { rows } = await this.pool.query<ChannelRecord>(
      'SELECT name, channel, version FROM channels ORDER BY name, channel',
    );
    return rows;
  }

  async createTask(id: string, request: unknown): Promise<TaskRecord> {
    const now = Date.now();
    const { rows } = await this.pool.query<TaskRow>(
      `INSERT INTO tasks (id, status, request, created_at, updated_at) VALUES ($1, 'pending', $2, $3, $3) RETURNING *`,
      [id, JSON.stringify(request), now],
    );
    return toTask(rows[0] as TaskRow);
  }

  async finishTask(id: string, outcome: { result: unknown } | { error: string }): Promise<void> {
    const done = 'result' in outcome;
    await this.pool.query(
      `UPDATE tasks SET status = $1, result = $2, error = $3, updated_at = $4 WHERE id = $5 AND status = 'pending'`,
      [
        done ? 'done' : 'failed',
        done ? JSON.stringify(outcome.result) : null,
        done ? null : outcome.error,
        Date.now(),
        id,
      ],
    );
  }

  async getTask(id: string): Promise<TaskRecord | undefined> {
    const { rows } = await this.pool.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [id]);
    return rows[0] ? toTask(rows[0]) : undefined;
  }

  async pendingTasks(limit: number): Promise<TaskRecord[]> {
    const { rows } = await this.pool.query<TaskRow>(
      "SELECT * FROM tasks WHERE status = 'pending' ORDER BY created_at LIMIT $1",
      [limit],
    );
    return rows.map(toTask);
  }
}
