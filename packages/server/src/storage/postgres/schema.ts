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
  // 2: the new event fields, and one row per (experiment, user) and per decision behind the
  // per-user and per-decision counters (events stored before it are counted as events only).
  `
  ALTER TABLE events ADD COLUMN variant TEXT;
  ALTER TABLE events ADD COLUMN policy_version TEXT;
  ALTER TABLE events ADD COLUMN exposure_id TEXT;
  ALTER TABLE events ADD COLUMN reason TEXT;
  ALTER TABLE arm_aggregates ADD COLUMN users BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN converted_users BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN user_reward_sum DOUBLE PRECISION NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN user_reward_sum_sq DOUBLE PRECISION NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN ineligible_users BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN switched_users BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN arm_changes BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN decisions BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN decision_reward_sum DOUBLE PRECISION NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN decision_reward_sum_sq DOUBLE PRECISION NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN ips_weight_sum DOUBLE PRECISION NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN ips_weight_sum_sq DOUBLE PRECISION NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN ips_reward_sum DOUBLE PRECISION NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN ips_reward_sum_sq DOUBLE PRECISION NOT NULL DEFAULT 0;
  CREATE TABLE experiment_users (
    experiment TEXT NOT NULL,
    user_id TEXT NOT NULL,
    arm TEXT,
    first_exposure_ts BIGINT,
    reward_count BIGINT NOT NULL DEFAULT 0,
    reward_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    arm_changes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (experiment, user_id)
  );
  CREATE INDEX experiment_users_first_exposure ON experiment_users (experiment, first_exposure_ts);
  CREATE TABLE decisions (
    experiment TEXT NOT NULL,
    exposure_id TEXT NOT NULL,
    arm TEXT,
    probability DOUBLE PRECISION,
    reward_count BIGINT NOT NULL DEFAULT 0,
    reward_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (experiment, exposure_id)
  );
  CREATE TABLE experiment_ineligible (
    experiment TEXT NOT NULL,
    arm TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (experiment, arm, user_id)
  );
  CREATE TABLE experiment_totals (
    experiment TEXT PRIMARY KEY,
    unexposed_users BIGINT NOT NULL DEFAULT 0,
    unexposed_rewards BIGINT NOT NULL DEFAULT 0,
    unexposed_reward_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    unknown_exposure_rewards BIGINT NOT NULL DEFAULT 0,
    unknown_exposure_reward_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    rewards_without_exposure_id BIGINT NOT NULL DEFAULT 0
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
    data BYTEA NOT NULL,
    PRIMARY KEY (name, version, seq)
  );
  `,
  // 4: rebuild-aggregates moves stored events that break the current rules here, so they never feed
  // results again and are still there to inspect; `event` is the record as JSON.
  `
  CREATE TABLE quarantined_events (
    id TEXT PRIMARY KEY,
    experiment TEXT NOT NULL,
    event JSONB NOT NULL,
    field TEXT NOT NULL,
    reason TEXT NOT NULL,
    quarantined_at BIGINT NOT NULL
  );
  CREATE INDEX quarantined_events_experiment ON quarantined_events (experiment);
  `,
  // 5: device health per arm (predict calls and errors, crashes, model loads, fallbacks, device
  // losses, integrity failures, a latency histogram lat_00 … lat_65: see latency-buckets.ts), the
  // error code and sample rate of each event, arm stops ('' = the whole experiment) and who stopped
  // or resumed what, when and why.
  `
  ALTER TABLE events ADD COLUMN code TEXT;
  ALTER TABLE events ADD COLUMN sample_rate DOUBLE PRECISION;
  ALTER TABLE arm_aggregates ADD COLUMN predict_calls DOUBLE PRECISION NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN predict_errors BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN crashes BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN loads BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN load_ms_sum DOUBLE PRECISION NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN load_ms_sum_sq DOUBLE PRECISION NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN fallbacks BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN device_lost BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN integrity_failures BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN latency_samples BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_00 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_01 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_02 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_03 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_04 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_05 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_06 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_07 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_08 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_09 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_10 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_11 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_12 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_13 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_14 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_15 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_16 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_17 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_18 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_19 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_20 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_21 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_22 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_23 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_24 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_25 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_26 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_27 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_28 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_29 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_30 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_31 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_32 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_33 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_34 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_35 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_36 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_37 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_38 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_39 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_40 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_41 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_42 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_43 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_44 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_45 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_46 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_47 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_48 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_49 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_50 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_51 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_52 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_53 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_54 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_55 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_56 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_57 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_58 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_59 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_60 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_61 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_62 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_63 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_64 BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE arm_aggregates ADD COLUMN lat_65 BIGINT NOT NULL DEFAULT 0;
  CREATE TABLE experiment_stops (
    experiment TEXT NOT NULL,
    arm TEXT NOT NULL,
    at BIGINT NOT NULL,
    stopped_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    metric TEXT,
    PRIMARY KEY (experiment, arm)
  );
  CREATE TABLE experiment_audit (
    id BIGSERIAL PRIMARY KEY,
    experiment TEXT NOT NULL,
    action TEXT NOT NULL,
    arm TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT,
    at BIGINT NOT NULL
  );
  CREATE INDEX experiment_audit_experiment ON experiment_audit (experiment, id);
  `,
  // Contextual experiments: the device class on each event, and the weights per class.
  `
  ALTER TABLE events ADD COLUMN context TEXT;
  ALTER TABLE experiments ADD COLUMN context_weights JSONB;
  ALTER TABLE policy_history ADD COLUMN context_weights JSONB;
  `,
  // Rate-limit windows shared by every replica (limit-store.ts): one row per client key and route.
  `
  CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    window_ms INTEGER NOT NULL,
    hits INTEGER NOT NULL
  );
  `,
  // Minute rollups of exposures and rewards per arm, kept at ingest (minute-rollups.ts), so timelines
  // never read the events; filled here from the events stored so far.
  `
  CREATE TABLE event_rollups (
    experiment TEXT NOT NULL,
    minute BIGINT NOT NULL,
    arm TEXT NOT NULL,
    exposures BIGINT NOT NULL DEFAULT 0,
    reward_count BIGINT NOT NULL DEFAULT 0,
    reward_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    reward_sum_sq DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (experiment, minute, arm)
  );
  INSERT INTO event_rollups (experiment, minute, arm, exposures, reward_count, reward_sum, reward_sum_sq)
  SELECT experiment, (ts / 60000) * 60000, arm, COUNT(*) FILTER (WHERE type = 'exposure'),
         COUNT(*) FILTER (WHERE type = 'reward'),
         COALESCE(SUM(COALESCE(value, 0)) FILTER (WHERE type = 'reward'), 0),
         COALESCE(SUM(COALESCE(value, 0) * COALESCE(value, 0)) FILTER (WHERE type = 'reward'), 0)
  FROM events WHERE type IN ('exposure', 'reward') GROUP BY 1, 2, 3;
  `,
  // Events partitioned by day of their ts (partitions.ts keeps the days; retention drops them whole).
  // The key becomes (id, ts): a retry carries its event's id and ts, so it still meets its first copy.
  // Rows move to the default partition here and into their days at the first maintenance.
  // event_retention remembers how far retention has dropped raw events: a rebuild past it would lose counts.
  `
  ALTER TABLE events RENAME TO events_unpartitioned;
  ALTER INDEX events_experiment_ts RENAME TO events_unpartitioned_experiment_ts;
  CREATE TABLE events (LIKE events_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (ts);
  ALTER TABLE events ADD PRIMARY KEY (id, ts);
  CREATE INDEX events_experiment_ts ON events (experiment, ts);
  CREATE TABLE events_default PARTITION OF events DEFAULT;
  INSERT INTO events SELECT * FROM events_unpartitioned;
  DROP TABLE events_unpartitioned;
  CREATE TABLE event_retention (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    dropped_before BIGINT NOT NULL
  );
  `,
  // Rate-limit windows need no durability: unlogged, a hit writes no WAL and waits on no fsync (a
  // crash empties the table, which only restarts everyone's current window).
  `
  ALTER TABLE rate_limits SET UNLOGGED;
  `,
  // Model monitoring: the summary events' sketches merged per arm, file and UTC day at ingest
  // (summary-days.ts), so drift reads a row per arm and file; and each file's baseline summary.
  // `variant` is '' for a version's base file.
  `
  CREATE TABLE summary_days (
    experiment TEXT NOT NULL,
    arm TEXT NOT NULL,
    model_version TEXT NOT NULL,
    variant TEXT NOT NULL,
    day BIGINT NOT NULL,
    summary JSONB NOT NULL,
    summaries INTEGER NOT NULL,
    PRIMARY KEY (experiment, day, arm, model_version, variant)
  );
  CREATE TABLE model_baselines (
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    variant TEXT NOT NULL,
    summary JSONB NOT NULL,
    thresholds JSONB,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (name, version, variant)
  );
  `,
];
