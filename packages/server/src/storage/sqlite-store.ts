import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ServerError } from '../errors.js';
import { aggregateDeltas, definitionFingerprint, uniqueById } from './aggregate-deltas.js';
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
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import type { Store } from './store.js';

interface ExperimentRow {
  definition: string;
  policy_version: number;
  policy_weights: string | null;
  updated_at: number;
}

interface TaskRow {
  id: string;
  status: TaskRecord['status'];
  request: string;
  result: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

function toExperiment(row: ExperimentRow): ExperimentRecord {
  return {
    ...(JSON.parse(row.definition) as ExperimentDefinition),
    policyVersion: row.policy_version,
    policyWeights: row.policy_weights ? (JSON.parse(row.policy_weights) as number[]) : null,
    updatedAt: row.updated_at,
  };
}

function toTask(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    status: row.status,
    request: JSON.parse(row.request),
    result: row.result === null ? null : JSON.parse(row.result),
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The embedded store. WAL with synchronous=FULL: a commit is on disk before ingest() resolves, so an
 * acknowledged batch survives a kill or a power cut. better-sqlite3 is synchronous; one connection per
 * process, transactions serialised by SQLite's write lock across processes.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
  }

  async migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    // IMMEDIATE takes the write lock up front, so two processes starting on one file migrate one at a time.
    const run = this.db.transaction(() => {
      const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
        v: number | null;
      };
      for (let v = (row.v ?? 0) + 1; v <= SQLITE_MIGRATIONS.length; v++) {
        this.db.exec(SQLITE_MIGRATIONS[v - 1] as string);
        this.db
          .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
          .run(v, Date.now());
      }
    });
    run.immediate();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /**
   * Group commit: batches that arrive while the event loop is busy are written in one transaction,
   * so one fsync acknowledges all of them. Each caller still resolves only after that commit.
   */
  ingest(events: EventRecord[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.pendingBatches.push({ events, resolve, reject });
      if (this.pendingBatches.length === 1) setImmediate(() => this.flushBatches());
    });
  }

  private readonly pendingBatches: {
    events: EventRecord[];
    resolve: (result: IngestResult) => void;
    reject: (error: unknown) => void;
  }[] = [];

  private flushBatches(): void {
    const group = this.pendingBatches.splice(0);
    const insert = this.db.prepare(
      `INSERT INTO events (id, type, user_id, experiment, arm, probability, model_version, value, latency_ms, ts, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    const bump = this.db.prepare(
      `INSERT INTO arm_aggregates (experiment, arm, exposures, predictions, reward_count, reward_sum, reward_sum_sq)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (experiment, arm) DO UPDATE SET
         exposures = exposures + excluded.exposures,
         predictions = predictions + excluded.predictions,
         reward_count = reward_count + excluded.reward_count,
         reward_sum = reward_sum + excluded.reward_sum,
         reward_sum_sq = reward_sum_sq + excluded.reward_sum_sq`,
    );
    const run = this.db.transaction(() => {
      const now = Date.now();
      const stored: EventRecord[] = [];
      const accepted = group.map(({ events }) => {
        let n = 0;
        for (const e of uniqueById(events).unique) {
          const info = insert.run(
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
            now,
          );
          if (info.changes === 1) {
            stored.push(e);
            n++;
          }
        }
        return n;
      });
      for (const d of aggregateDeltas(stored)) {
        bump.run(d.experiment, d.arm, d.exposures, d.predictions, d.rewardCount, d.rewardSum, d.rewardSumSq);
      }
      return accepted;
    });
    let accepted: number[];
    try {
      accepted = run.immediate();
    } catch (error) {
      for (const batch of group) batch.reject(error);
      return;
    }
    group.forEach((batch, i) => {
      const n = accepted[i] ?? 0;
      batch.resolve({ accepted: n, duplicates: batch.events.length - n });
    });
  }

  async aggregates(experiment: string): Promise<ArmAggregate[]> {
    return this.db
      .prepare(
        `SELECT experiment, arm, exposures, predictions, reward_count AS rewardCount, reward_sum AS rewardSum,
                reward_sum_sq AS rewardSumSq FROM arm_aggregates WHERE experiment = ? ORDER BY arm`,
      )
      .all(experiment) as ArmAggregate[];
  }

  async timeline(experiment: string, bucketMs: number): Promise<TimelinePoint[]> {
    return this.db
      .prepare(
        `SELECT (ts / CAST(? AS INTEGER)) * CAST(? AS INTEGER) AS bucket, arm,
                SUM(type = 'exposure') AS exposures,
                SUM(type = 'reward') AS rewardCount,
                COALESCE(SUM(CASE WHEN type = 'reward' THEN COALESCE(value, 0) END), 0) AS rewardSum,
                COALESCE(SUM(CASE WHEN type = 'reward' THEN COALESCE(value, 0) * COALESCE(value, 0) END), 0) AS rewardSumSq
         FROM events WHERE experiment = ? GROUP BY bucket, arm ORDER BY bucket, arm`,
      )
      .all(bucketMs, bucketMs, experiment) as TimelinePoint[];
  }

  async countEvents(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  async putExperiment(definition: ExperimentDefinition): Promise<ExperimentRecord> {
    const fingerprint = definitionFingerprint(definition);
    const run = this.db.transaction(() => {
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
    run.immediate();
    return (await this.getExperiment(definition.key)) as ExperimentRecord;
  }

  async getExperiment(key: string): Promise<ExperimentRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM experiments WHERE key = ?').get(key) as
      | ExperimentRow
      | undefined;
    return row ? toExperiment(row) : undefined;
  }

  async listExperiments(): Promise<ExperimentRecord[]> {
    return (this.db.prepare('SELECT * FROM experiments ORDER BY key').all() as ExperimentRow[]).map(
      toExperiment,
    );
  }

  async savePolicy(key: string, weights: number[], basedOn: number): Promise<ExperimentRecord | undefined> {
    const now = Date.now();
    const run = this.db.transaction(() => {
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
    return run.immediate() ? this.getExperiment(key) : undefined;
  }

  async policyHistory(key: string): Promise<PolicySnapshot[]> {
    const rows = this.db
      .prepare(
        'SELECT policy_version, weights, created_at FROM policy_history WHERE experiment = ? ORDER BY policy_version',
      )
      .all(key) as { policy_version: number; weights: string; created_at: number }[];
    return rows.map((r) => ({
      policyVersion: r.policy_version,
      weights: JSON.parse(r.weights),
      createdAt: r.created_at,
    }));
  }

  async publishModel(record: ModelVersionRecord, bytes: Uint8Array): Promise<void> {
    const info = this.db
      .prepare(
        'INSERT INTO model_versions (name, version, record, status, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(record.name, record.version, JSON.stringify(record), record.status, Buffer.from(bytes));
    if (info.changes !== 1) {
      throw new ServerError(
        'CONFLICT',
        `${record.name}@${record.version} is already published; versions are immutable, publish a new version`,
      );
    }
  }

  private modelRows(where: string, ...args: string[]): ModelVersionRecord[] {
    const rows = this.db
      .prepare(`SELECT record, status FROM model_versions ${where} ORDER BY name, version`)
      .all(...args) as { record: string; status: VersionStatus }[];
    return rows.map((r) => ({ ...(JSON.parse(r.record) as ModelVersionRecord), status: r.status }));
  }

  async listModels(): Promise<ModelVersionRecord[]> {
    return this.modelRows('');
  }

  async getModel(name: string, version: string): Promise<ModelVersionRecord | undefined> {
    return this.modelRows('WHERE name = ? AND version = ?', name, version)[0];
  }

  async modelBytes(name: string, version: string): Promise<Uint8Array | undefined> {
    const row = this.db
      .prepare('SELECT data FROM model_versions WHERE name = ? AND version = ?')
      .get(name, version) as { data: Buffer } | undefined;
    return row ? new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength) : undefined;
  }

  async setModelStatus(name: string, version: string, status: VersionStatus): Promise<void> {
    this.db
      .prepare('UPDATE model_versions SET status = ? WHERE name = ? AND version = ?')
      .run(status, name, version);
  }

  async setChannel(channel: ChannelRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO channels (name, channel, version) VALUES (?, ?, ?) ON CONFLICT (name, channel) DO UPDATE SET version = excluded.version',
      )
      .run(channel.name, channel.channel, channel.version);
  }

  async listChannels(): Promise<ChannelRecord[]> {
    return this.db
      .prepare('SELECT name, channel, version FROM channels ORDER BY name, channel')
      .all() as ChannelRecord[];
  }

  async createTask(id: string, request: unknown): Promise<TaskRecord> {
    const now = Date.now();
    this.db
      .prepare(
        "INSERT INTO tasks (id, status, request, created_at, updated_at) VALUES (?, 'pending', ?, ?, ?)",
      )
      .run(id, JSON.stringify(request), now, now);
    return (await this.getTask(id)) as TaskRecord;
  }

  async finishTask(id: string, outcome: { result: unknown } | { error: string }): Promise<void> {
    const done = 'result' in outcome;
    this.db
      .prepare(
        "UPDATE tasks SET status = ?, result = ?, error = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
      )
      .run(
        done ? 'done' : 'failed',
        done ? JSON.stringify(outcome.result) : null,
        done ? null : outcome.error,
        Date.now(),
        id,
      );
  }

  async getTask(id: string): Promise<TaskRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
    return row ? toTask(row) : undefined;
  }

  async pendingTasks(limit: number): Promise<TaskRecord[]> {
    const rows = this.db
      .prepare("SELECT * FROM tasks WHERE status = 'pending' ORDER BY created_at LIMIT ?")
      .all(limit) as TaskRow[];
    return rows.map(toTask);
  }
}
