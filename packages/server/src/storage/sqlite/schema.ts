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
  // 5: device health per arm (predict calls and errors, crashes, model loads, fallbacks, device
  // losses, integrity failures, a latency histogram lat_00 … lat_65: see latency-buckets.ts), the
  // error code and sample rate of each event, arm stops ('' = the whole experiment) and who stopped
  // or resumed what, when and why.
  `
  ALTER TABLE events ADD COLUMN code TEXT;
  ALTER TABLE events ADD COLUMN sample_rate REAL;
  ALTER TABLE arm_aggregates ADD COLUMN predict_calls REAL NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN predict_errors INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN loads INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN load_ms_sum REAL NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN load_ms_sum_sq REAL NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN fallbacks INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN device_lost INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN integrity_failures INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN latency_samples INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_00 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_01 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_02 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_03 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_04 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_05 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_06 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_07 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_08 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_09 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_10 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_11 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_12 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_13 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_14 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_15 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_16 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_17 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_18 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_19 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_20 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_21 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_22 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_23 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_24 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_25 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_26 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_27 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_28 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_29 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_30 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_31 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_32 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_33 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_34 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_35 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_36 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_37 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_38 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_39 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_40 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_41 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_42 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_43 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_44 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_45 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_46 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_47 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_48 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_49 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_50 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_51 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_52 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_53 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_54 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_55 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_56 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_57 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_58 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_59 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_60 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_61 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_62 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_63 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_64 INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_65 INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE experiment_stops (
    experiment TEXT NOT NULL,
    arm TEXT NOT NULL,
    at INTEGER NOT NULL,
    stopped_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    metric TEXT,
    PRIMARY KEY (experiment, arm)
  );
  CREATE TABLE experiment_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    experiment TEXT NOT NULL,
    action TEXT NOT NULL,
    arm TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT,
    at INTEGER NOT NULL
  );
  CREATE INDEX experiment_audit_experiment ON experiment_audit (experiment, id);
  `,
  // 6: contextual experiments: the device class on each event, and the weights per class.
  `
  ALTER TABLE events ADD COLUMN context TEXT;
  ALTER TABLE experiments ADD COLUMN context_weights TEXT;
  ALTER TABLE policy_history ADD COLUMN context_weights TEXT;
  `,
  // 7: minute rollups of exposures and rewards per arm, kept at ingest (minute-rollups.ts), so timelines
  // never read the events; filled here from the events stored so far.
  `
  CREATE TABLE event_rollups (
    experiment TEXT NOT NULL,
    minute INTEGER NOT NULL,
    arm TEXT NOT NULL,
    exposures INTEGER NOT NULL DEFAULT 0,
    reward_count INTEGER NOT NULL DEFAULT 0,
    reward_sum REAL NOT NULL DEFAULT 0,
    reward_sum_sq REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (experiment, minute, arm)
  ) WITHOUT ROWID;
  INSERT INTO event_rollups (experiment, minute, arm, exposures, reward_count, reward_sum, reward_sum_sq)
  SELECT experiment, (ts / 60000) * 60000, arm, SUM(type = 'exposure'), SUM(type = 'reward'),
         COALESCE(SUM(CASE WHEN type = 'reward' THEN COALESCE(value, 0) END), 0),
         COALESCE(SUM(CASE WHEN type = 'reward' THEN COALESCE(value, 0) * COALESCE(value, 0) END), 0)
  FROM events WHERE type IN ('exposure', 'reward') GROUP BY 1, 2, 3;
  `,
  // 8: model monitoring: the summary events' sketches merged per arm, file and UTC day at ingest
  // (summary-days.ts), so drift reads a row per arm and file; and each file's baseline summary.
  `
  CREATE TABLE summary_days (
    experiment TEXT NOT NULL,
    arm TEXT NOT NULL,
    model_version TEXT NOT NULL,
    variant TEXT NOT NULL,
    day INTEGER NOT NULL,
    summary TEXT NOT NULL,
    summaries INTEGER NOT NULL,
    PRIMARY KEY (experiment, day, arm, model_version, variant)
  ) WITHOUT ROWID;
  CREATE TABLE model_baselines (
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    variant TEXT NOT NULL,
    summary TEXT NOT NULL,
    thresholds TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (name, version, variant)
  ) WITHOUT ROWID;
  `,
];
