import type pg from 'pg';
import {
  ARM_COUNTERS,
  addExcluded,
  type CounterSpec,
  counterColumns,
  counterKeys,
  UNATTRIBUTED_COUNTERS,
} from '../counters.js';
import {
  type DecisionState,
  decisionKey,
  foldEvents,
  type IneligibleKey,
  ineligibleKeys,
  touchedDecisions,
  touchedUsers,
  type UserState,
  userKey,
} from '../fold-events.js';
import type { EventRecord } from '../records.js';
import type { DecisionRow, UserRow } from '../row-mapping.js';
import { toRecord } from './database.js';

/**
 * Folds the events this transaction inserted into the user, decision and counter rows. Locks are
 * taken table by table in one order (users, decisions, ineligible, arm counters, totals) and, in
 * each table, in key order, so concurrent ingests wait for each other instead of deadlocking. The
 * user and decision rows are locked by an upsert that creates missing ones: a second transaction
 * touching the same new user then waits for the first to commit and reads its result.
 */
export async function foldInserted(client: pg.PoolClient, stored: readonly EventRecord[]): Promise<void> {
  const users = await lockUsers(client, touchedUsers(stored));
  const decisions = await lockDecisions(client, touchedDecisions(stored));
  const ineligible = await insertIneligible(client, ineligibleKeys(stored));
  const folded = foldEvents(stored, users, decisions, ineligible);
  const u = <K extends keyof UserState>(k: K) => folded.users.map((x) => x[k]);
  if (folded.users.length > 0) {
    await client.query(
      `UPDATE experiment_users AS u SET arm = v.arm, first_exposure_ts = v.first_exposure_ts,
         reward_count = v.reward_count, reward_sum = v.reward_sum, arm_changes = v.arm_changes
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::float8[], $7::bigint[])
         AS v(experiment, user_id, arm, first_exposure_ts, reward_count, reward_sum, arm_changes)
       WHERE u.experiment = v.experiment AND u.user_id = v.user_id`,
      [
        u('experiment'),
        u('userId'),
        u('arm'),
        u('firstExposureTs'),
        u('rewardCount'),
        u('rewardSum'),
        u('armChanges'),
      ],
    );
  }
  const d = <K extends keyof DecisionState>(k: K) => folded.decisions.map((x) => x[k]);
  if (folded.decisions.length > 0) {
    await client.query(
      `UPDATE decisions AS d SET arm = v.arm, probability = v.probability,
         reward_count = v.reward_count, reward_sum = v.reward_sum
       FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::bigint[], $6::float8[])
         AS v(experiment, exposure_id, arm, probability, reward_count, reward_sum)
       WHERE d.experiment = v.experiment AND d.exposure_id = v.exposure_id`,
      [d('experiment'), d('exposureId'), d('arm'), d('probability'), d('rewardCount'), d('rewardSum')],
    );
  }
  await bump(client, 'arm_aggregates', ['experiment', 'arm'], ARM_COUNTERS, folded.arms);
  await bump(client, 'experiment_totals', ['experiment'], UNATTRIBUTED_COUNTERS, folded.totals);
}

async function lockUsers(
  client: pg.PoolClient,
  keys: { experiment: string; userId: string }[],
): Promise<Map<string, UserState>> {
  const users = new Map<string, UserState>();
  if (keys.length === 0) return users;
  const { rows } = await client.query<UserRow>(
    `INSERT INTO experiment_users AS u (experiment, user_id)
     SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (experiment, user_id) DO UPDATE SET experiment = u.experiment
     RETURNING experiment, user_id, arm, first_exposure_ts, reward_count, reward_sum, arm_changes`,
    [keys.map((k) => k.experiment), keys.map((k) => k.userId)],
  );
  for (const row of rows)
    users.set(userKey({ experiment: row.experiment, userId: row.user_id }), toRecord.user(row));
  return users;
}

async function lockDecisions(
  client: pg.PoolClient,
  keys: { experiment: string; exposureId: string }[],
): Promise<Map<string, DecisionState>> {
  const decisions = new Map<string, DecisionState>();
  if (keys.length === 0) return decisions;
  const { rows } = await client.query<DecisionRow>(
    `INSERT INTO decisions AS d (experiment, exposure_id)
     SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (experiment, exposure_id) DO UPDATE SET experiment = d.experiment
     RETURNING experiment, exposure_id, arm, probability, reward_count, reward_sum`,
    [keys.map((k) => k.experiment), keys.map((k) => k.exposureId)],
  );
  for (const row of rows) {
    decisions.set(
      decisionKey({ experiment: row.experiment, exposureId: row.exposure_id }),
      toRecord.decision(row),
    );
  }
  return decisions;
}

/** The triples stored for the first time: only those add an ineligible user to their arm. */
async function insertIneligible(client: pg.PoolClient, keys: IneligibleKey[]): Promise<IneligibleKey[]> {
  if (keys.length === 0) return [];
  const { rows } = await client.query<{ experiment: string; arm: string; user_id: string }>(
    `INSERT INTO experiment_ineligible (experiment, arm, user_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT DO NOTHING RETURNING experiment, arm, user_id`,
    [keys.map((k) => k.experiment), keys.map((k) => k.arm), keys.map((k) => k.userId)],
  );
  return rows.map((r) => ({ experiment: r.experiment, arm: r.arm, userId: r.user_id }));
}

/** Adds increments to counter rows, creating missing ones; `rows` come sorted by key (lock order). */
async function bump<S extends CounterSpec>(
  client: pg.PoolClient,
  table: string,
  keyColumns: string[],
  spec: S,
  rows: readonly object[],
): Promise<void> {
  if (rows.length === 0) return;
  const values = rows as readonly Record<string, unknown>[];
  const keys = keyColumns.map((c) => values.map((r) => r[c]));
  const counters = counterKeys(spec).map((k) => values.map((r) => r[k]));
  const types = [
    ...keyColumns.map(() => 'text'),
    ...Object.values(spec).map(([, kind]) => (kind === 'int' ? 'bigint' : 'float8')),
  ];
  await client.query(
    `INSERT INTO ${table} AS t (${[...keyColumns, ...counterColumns(spec)].join(', ')})
     SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
     ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${addExcluded(spec, 't')}`,
    [...keys, ...counters],
  );
}
