import { emptySummary } from '@edgewise/protocol';
import type pg from 'pg';
import { acceptedPerBatch, firstSeen } from '../aggregate-deltas.js';
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
  type Folded,
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
import { mergeDay, type SummaryDay, summaryDayKey, summaryDaysOf } from '../summary-days.js';
import { toRecord } from './database.js';

const EVENT_COLUMNS = `id, type, user_id, experiment, arm, probability, model_version, value, latency_ms, ts,
  variant, policy_version, exposure_id, reason, code, sample_rate, context`;

/**
 * One round trip for the whole group: the multi-row insert of the events (unnest, duplicates
 * skipped), and, from the rows it actually inserted, the user and decision rows they touch (created
 * if missing, and locked by that upsert, so a second transaction touching the same new user waits
 * for this one and reads its result) and the ineligible triples stored for the first time. Locks are
 * taken table by table in one order (events, users, decisions, ineligible; then arm counters and
 * totals in {@link WRITE_FOLDED}) and in key order within a table, so concurrent replicas wait for
 * each other instead of deadlocking.
 */
const INSERT_AND_LOCK = `
WITH ins AS (
  INSERT INTO events (${EVENT_COLUMNS}, received_at)
  SELECT *, $18::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[],
                                    $7::text[], $8::float8[], $9::float8[], $10::bigint[],
                                    $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::float8[],
                                    $17::text[])
  ON CONFLICT (id, ts) DO NOTHING
  RETURNING id, type, user_id, experiment, arm, exposure_id
), users AS (
  INSERT INTO experiment_users AS u (experiment, user_id)
  SELECT DISTINCT experiment, user_id FROM ins WHERE type IN ('exposure', 'reward') ORDER BY 1, 2
  ON CONFLICT (experiment, user_id) DO UPDATE SET experiment = u.experiment
  RETURNING experiment, user_id, arm, first_exposure_ts, reward_count, reward_sum, arm_changes
), decisions AS (
  INSERT INTO decisions AS d (experiment, exposure_id)
  SELECT DISTINCT experiment, CASE WHEN type = 'exposure' THEN id ELSE exposure_id END FROM ins
  WHERE type = 'exposure' OR (type = 'reward' AND exposure_id IS NOT NULL) ORDER BY 1, 2
  ON CONFLICT (experiment, exposure_id) DO UPDATE SET experiment = d.experiment
  RETURNING experiment, exposure_id, arm, probability, reward_count, reward_sum
), ineligible AS (
  INSERT INTO experiment_ineligible (experiment, arm, user_id)
  SELECT DISTINCT experiment, arm, user_id FROM ins WHERE type = 'ineligible' ORDER BY 1, 2, 3
  ON CONFLICT DO NOTHING RETURNING experiment, arm, user_id
)
SELECT (SELECT COALESCE(json_agg(id), '[]') FROM ins) AS ids,
       (SELECT COALESCE(json_agg(users), '[]') FROM users) AS users,
       (SELECT COALESCE(json_agg(decisions), '[]') FROM decisions) AS decisions,
       (SELECT COALESCE(json_agg(ineligible), '[]') FROM ineligible) AS ineligible`;

const counterTypes = (spec: CounterSpec) =>
  Object.values(spec).map(([, kind]) => (kind === 'int' ? 'bigint' : 'float8'));

/** `$from::t1[], $from+1::t2[], …` for unnest. */
const arrays = (from: number, types: readonly string[]) =>
  types.map((t, i) => `$${from + i}::${t}[]`).join(', ');

const ARM_TYPES = ['text', 'text', ...counterTypes(ARM_COUNTERS)];
const TOTAL_TYPES = ['text', ...counterTypes(UNATTRIBUTED_COUNTERS)];
const ARM_AT = 14;
const TOTAL_AT = ARM_AT + ARM_TYPES.length;
const ROLLUP_TYPES = ['text', 'bigint', 'text', 'bigint', 'bigint', 'float8', 'float8'];
const ROLLUP_AT = TOTAL_AT + TOTAL_TYPES.length;

/**
 * The second and last round trip: the folded user and decision rows written back, and the counter
 * increments added to the arm and totals rows (created if missing), as one statement. Empty arrays
 * make empty parts, so its text never changes and it is prepared once per connection.
 */
const WRITE_FOLDED = `
WITH write_users AS (
  UPDATE experiment_users AS u SET arm = v.arm, first_exposure_ts = v.first_exposure_ts,
    reward_count = v.reward_count, reward_sum = v.reward_sum, arm_changes = v.arm_changes
  FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::float8[], $7::bigint[])
    AS v(experiment, user_id, arm, first_exposure_ts, reward_count, reward_sum, arm_changes)
  WHERE u.experiment = v.experiment AND u.user_id = v.user_id
), write_decisions AS (
  UPDATE decisions AS d SET arm = v.arm, probability = v.probability,
    reward_count = v.reward_count, reward_sum = v.reward_sum
  FROM unnest($8::text[], $9::text[], $10::text[], $11::float8[], $12::bigint[], $13::float8[])
    AS v(experiment, exposure_id, arm, probability, reward_count, reward_sum)
  WHERE d.experiment = v.experiment AND d.exposure_id = v.exposure_id
), bump_arms AS (
  INSERT INTO arm_aggregates AS t (experiment, arm, ${counterColumns(ARM_COUNTERS).join(', ')})
  SELECT * FROM unnest(${arrays(ARM_AT, ARM_TYPES)})
  ON CONFLICT (experiment, arm) DO UPDATE SET ${addExcluded(ARM_COUNTERS, 't')}
), bump_totals AS (
  INSERT INTO experiment_totals AS t (experiment, ${counterColumns(UNATTRIBUTED_COUNTERS).join(', ')})
  SELECT * FROM unnest(${arrays(TOTAL_AT, TOTAL_TYPES)})
  ON CONFLICT (experiment) DO UPDATE SET ${addExcluded(UNATTRIBUTED_COUNTERS, 't')}
), bump_rollups AS (
  INSERT INTO event_rollups AS r (experiment, minute, arm, exposures, reward_count, reward_sum, reward_sum_sq)
  SELECT * FROM unnest(${arrays(ROLLUP_AT, ROLLUP_TYPES)})
  ON CONFLICT (experiment, minute, arm) DO UPDATE SET exposures = r.exposures + excluded.exposures,
    reward_count = r.reward_count + excluded.reward_count, reward_sum = r.reward_sum + excluded.reward_sum,
    reward_sum_sq = r.reward_sum_sq + excluded.reward_sum_sq
)
SELECT 1`;

const ARM_KEYS = counterKeys(ARM_COUNTERS);
const TOTAL_KEYS = counterKeys(UNATTRIBUTED_COUNTERS);

interface LockedRows {
  ids: string[];
  users: UserRow[];
  decisions: DecisionRow[];
  ineligible: { experiment: string; arm: string; user_id: string }[];
}

/**
 * Inserts a commit group's new events and folds exactly those in, in two statements: an id sent
 * twice, in one batch or two, counts for the first batch that sent it. Returns the new-event count
 * per batch. Runs inside the caller's transaction.
 */
export async function insertGroup(
  client: pg.PoolClient,
  batches: readonly EventRecord[][],
): Promise<number[]> {
  const { unique, owner } = firstSeen(batches);
  const col = <K extends keyof EventRecord>(k: K) => unique.map((e) => e[k]);
  const { rows } = await client.query<LockedRows>({
    name: 'edgewise-ingest-insert',
    text: INSERT_AND_LOCK,
    values: [
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
      col('variant'),
      col('policyVersion'),
      col('exposureId'),
      col('reason'),
      col('code'),
      col('sampleRate'),
      unique.map((e) => e.context ?? null),
      Date.now(),
    ],
  });
  const locked = rows[0] as LockedRows;
  const inserted = new Set(locked.ids);
  if (inserted.size > 0) {
    const users = new Map<string, UserState>();
    for (const row of locked.users)
      users.set(userKey({ experiment: row.experiment, userId: row.user_id }), toRecord.user(row));
    const decisions = new Map<string, DecisionState>();
    for (const row of locked.decisions) {
      decisions.set(
        decisionKey({ experiment: row.experiment, exposureId: row.exposure_id }),
        toRecord.decision(row),
      );
    }
    const ineligible = locked.ineligible.map((r) => ({
      experiment: r.experiment,
      arm: r.arm,
      userId: r.user_id,
    }));
    const stored = unique.filter((e) => inserted.has(e.id));
    await writeFolded(client, foldEvents(stored, users, decisions, ineligible));
    await mergeSummaryDays(client, stored);
  }
  return acceptedPerBatch(batches.length, owner, inserted);
}

/**
 * Merges new summary events into their day rows, for batches that have any (a few per device a
 * day): the upsert creates a missing row and locks it either way (in key order, so replicas wait
 * rather than deadlock) and returns what it holds; the update writes the merge.
 */
async function mergeSummaryDays(client: pg.PoolClient, stored: readonly EventRecord[]): Promise<void> {
  const days = summaryDaysOf(stored);
  if (days.length === 0) return;
  const col = <K extends keyof SummaryDay>(k: K) => days.map((d) => d[k]);
  const { rows } = await client.query<{
    experiment: string;
    day: string;
    arm: string;
    model_version: string;
    variant: string;
    summary: SummaryDay['summary'];
    summaries: number;
  }>({
    name: 'edgewise-ingest-summary-days-lock',
    text: `INSERT INTO summary_days AS s (experiment, day, arm, model_version, variant, summary, summaries)
           SELECT experiment, day, arm, model_version, variant, $6::jsonb, 0
           FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[])
             AS t (experiment, day, arm, model_version, variant)
           ON CONFLICT (experiment, day, arm, model_version, variant) DO UPDATE SET summaries = s.summaries
           RETURNING experiment, day, arm, model_version, variant, summary, summaries`,
    values: [
      col('experiment'),
      col('day'),
      col('arm'),
      col('modelVersion'),
      col('variant'),
      JSON.stringify(emptySummary()),
    ],
  });
  const held = new Map(
    rows.map((r) => [
      summaryDayKey({
        experiment: r.experiment,
        day: Number(r.day),
        arm: r.arm,
        modelVersion: r.model_version,
        variant: r.variant,
      }),
      { summary: r.summary, summaries: r.summaries },
    ]),
  );
  const merged = days.map((d) => mergeDay(held.get(summaryDayKey(d)), d));
  const m = <K extends keyof SummaryDay>(k: K) => merged.map((d) => d[k]);
  await client.query({
    name: 'edgewise-ingest-summary-days-write',
    text: `UPDATE summary_days AS s SET summary = t.summary, summaries = t.summaries
           FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::int[])
             AS t (experiment, day, arm, model_version, variant, summary, summaries)
           WHERE s.experiment = t.experiment AND s.day = t.day AND s.arm = t.arm
             AND s.model_version = t.model_version AND s.variant = t.variant`,
    values: [
      m('experiment'),
      m('day'),
      m('arm'),
      m('modelVersion'),
      m('variant'),
      merged.map((d) => JSON.stringify(d.summary)),
      m('summaries'),
    ],
  });
}

/**
 * Folds events already stored (a rebuild's pages) into the user, decision and counter rows, with
 * the same lock order as ingest.
 */
export async function foldStored(client: pg.PoolClient, stored: readonly EventRecord[]): Promise<void> {
  const users = await lockUsers(client, touchedUsers(stored));
  const decisions = await lockDecisions(client, touchedDecisions(stored));
  const ineligible = await insertIneligible(client, ineligibleKeys(stored));
  await writeFolded(client, foldEvents(stored, users, decisions, ineligible));
}

async function writeFolded(client: pg.PoolClient, folded: Folded): Promise<void> {
  const u = <K extends keyof UserState>(k: K) => folded.users.map((x) => x[k]);
  const d = <K extends keyof DecisionState>(k: K) => folded.decisions.map((x) => x[k]);
  const arms = folded.arms as unknown as Record<string, unknown>[];
  const totals = folded.totals as unknown as Record<string, unknown>[];
  await client.query({
    name: 'edgewise-ingest-write',
    text: WRITE_FOLDED,
    values: [
      u('experiment'),
      u('userId'),
      u('arm'),
      u('firstExposureTs'),
      u('rewardCount'),
      u('rewardSum'),
      u('armChanges'),
      d('experiment'),
      d('exposureId'),
      d('arm'),
      d('probability'),
      d('rewardCount'),
      d('rewardSum'),
      arms.map((a) => a.experiment),
      arms.map((a) => a.arm),
      ...ARM_KEYS.map((k) => arms.map((a) => a[k])),
      totals.map((t) => t.experiment),
      ...TOTAL_KEYS.map((k) => totals.map((t) => t[k])),
      ...(
        ['experiment', 'minute', 'arm', 'exposures', 'rewardCount', 'rewardSum', 'rewardSumSq'] as const
      ).map((k) => folded.rollups.map((r) => r[k])),
    ],
  });
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
