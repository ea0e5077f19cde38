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
  // 2: the new event fields, and one row per (experiment, user) and per decision behind the
  // per-user and per-decision counters (events stored before it are counted as events only).
  `
  ALTER TABLE events ADD COLUMN variant TEXT;
  ALTER TABLE events ADD COLUMN policy_version TEXT;
  ALTER TABLE events ADD COLUMN exposure_id TEXT;
  ALTER TABLE events ADD COLUMN reason TEXT;
  ALTER TABLE arm_aggregates ADD COLUMN users INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN converted_users INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN user_reward_sum REAL NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN user_reward_sum_sq REAL NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN ineligible_users INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN switched_users INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN arm_changes INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN decisions INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN decision_reward_sum REAL NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN decision_reward_sum_sq REAL NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN ips_weight_sum REAL NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN ips_weight_sum_sq REAL NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN ips_reward_sum REAL NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN ips_reward_sum_sq REAL NOT NULL DEFAULT 0;
  CREATE TABLE experiment_users (
    experiment TEXT NOT NULL,
    user_id TEXT NOT NULL,
    arm TEXT,
    first_exposure_ts INTEGER,
    reward_count INTEGER NOT NULL DEFAULT 0,
    reward_sum REAL NOT NULL DEFAULT 0,
    arm_changes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (experiment, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX experiment_users_first_exposure ON experiment_users (experiment, first_exposure_ts);
  CREATE TABLE decisions (
    experiment TEXT NOT NULL,
    exposure_id TEXT NOT NULL,
    arm TEXT,
    probability REAL,
    reward_count INTEGER NOT NULL DEFAULT 0,
    reward_sum REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (experiment, exposure_id)
  ) WITHOUT ROWID;
  CREATE TABLE experiment_ineligible (
    experiment TEXT NOT NULL,
    arm TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (experiment, arm, user_id)
  ) WITHOUT ROWID;
  CREATE TABLE experiment_totals (
    experiment TEXT PRIMARY KEY,
    unexposed_users INTEGER NOT NULL DEFAULT 0,
    unexposed_rewards INTEGER NOT NULL DEFAULT 0,
    unexposed_reward_sum REAL NOT NULL DEFAULT 0,
    unknown_exposure_rewards INTEGER NOT NULL DEFAULT 0,
    unknown_exposure_reward_sum REAL NOT NULL DEFAULT 0,
    rewards_without_exposure_id INTEGER NOT NULL DEFAULT 0
  );
  `,
  // 3: tasks belong to the write key that created them (a sha256 of it, never the key) and expire;
  // the index serves the retention job's delete. Model files move to 1 MiB chunks (model-chunks.ts).
  `
  ALTER TABLE tasks ADD COLUMN owner TEXT;
  CREATE INDEX tasks_updated ON tasks (updated_at);
  CREATE TABLE model_chunks (
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (name, version, seq)
  );
  `,
  // 4: rebuild-aggregates moves stored events that break the current rules here, so they never feed
  // results again and are still there to inspect; `event` is the record as JSON.
  `
  CREATE TABLE quarantined_events (
    id TEXT PRIMARY KEY,
    experiment TEXT NOT NULL,
    event TEXT NOT NULL,
    field TEXT NOT NULL,
    reason TEXT NOT NULL,
    quarantined_at INTEGER NOT NULL
  );
  CREATE INDEX quarantined_events_experiment ON quarantined_events (experiment);
  `,
];
