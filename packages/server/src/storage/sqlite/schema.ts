/** Ordered migrations; each runs once, recorded in schema_migrations. */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    user_id TEXT NOT NULL,
    experiment TEXT NOT NULL,
    arm TEXT NOT NULL,
    probability REAL NOT NULL,
    model_version TEXT NOT NULL,
    value REAL,
    latency_ms REAL,
    ts INTEGER NOT NULL,
    received_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX events_experiment_ts ON events (experiment, ts);
  CREATE TABLE arm_aggregates (
    experiment TEXT NOT NULL,
    arm TEXT NOT NULL,
    exposures INTEGER NOT NULL DEFAULT 0,
    predictions INTEGER NOT NULL DEFAULT 0,
    reward_count INTEGER NOT NULL DEFAULT 0,
    reward_sum REAL NOT NULL DEFAULT 0,
    reward_sum_sq REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (experiment, arm)
  );
  CREATE TABLE experiments (
    key TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    policy_version INTEGER NOT NULL,
    policy_weights TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE policy_history (
    experiment TEXT NOT NULL,
    policy_version INTEGER NOT NULL,
    weights TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (experiment, policy_version)
  );
  CREATE TABLE model_versions (
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    record TEXT NOT NULL,
    status TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (name, version)
  );
  CREATE TABLE channels (
    name TEXT NOT NULL,
    channel TEXT NOT NULL,
    version TEXT NOT NULL,
    PRIMARY KEY (name, channel)
  );
  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    request TEXT NOT NULL,
    result TEXT,
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX tasks_pending ON tasks (status, created_at);
  `,
];
