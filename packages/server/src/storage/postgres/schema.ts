/** Ordered migrations; each runs once, recorded in schema_migrations, under an advisory lock. */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    user_id TEXT NOT NULL,
    experiment TEXT NOT NULL,
    arm TEXT NOT NULL,
    probability DOUBLE PRECISION NOT NULL,
    model_version TEXT NOT NULL,
    value DOUBLE PRECISION,
    latency_ms DOUBLE PRECISION,
    ts BIGINT NOT NULL,
    received_at BIGINT NOT NULL
  );
  CREATE INDEX events_experiment_ts ON events (experiment, ts);
  CREATE TABLE arm_aggregates (
    experiment TEXT NOT NULL,
    arm TEXT NOT NULL,
    exposures BIGINT NOT NULL DEFAULT 0,
    predictions BIGINT NOT NULL DEFAULT 0,
    reward_count BIGINT NOT NULL DEFAULT 0,
    reward_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    reward_sum_sq DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (experiment, arm)
  );
  CREATE TABLE experiments (
    key TEXT PRIMARY KEY,
    definition JSONB NOT NULL,
    fingerprint TEXT NOT NULL,
    policy_version INTEGER NOT NULL,
    policy_weights JSONB,
    updated_at BIGINT NOT NULL
  );
  CREATE TABLE policy_history (
    experiment TEXT NOT NULL,
    policy_version INTEGER NOT NULL,
    weights JSONB NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (experiment, policy_version)
  );
  CREATE TABLE model_versions (
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    record JSONB NOT NULL,
    status TEXT NOT NULL,
    data BYTEA NOT NULL,
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
    request JSONB NOT NULL,
    result JSONB,
    error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE INDEX tasks_pending ON tasks (status, created_at);
  `,
];
