import type { GuardrailMetric } from '@edgewise/protocol';
import { ServerError } from '../errors.js';
import { ARM_COUNTERS, readCounters, UNATTRIBUTED_COUNTERS } from './counters.js';
import type { DecisionState, UserState } from './fold-events.js';
import type {
  ArmAggregate,
  AuditRecord,
  BaselineRecord,
  EventRecord,
  ExperimentDefinition,
  ExperimentRecord,
  ExperimentTotals,
  ModelVersionRecord,
  PolicySnapshot,
  StopRecord,
  StoredSummary,
  TaskRecord,
  TaskStatus,
  TimelinePoint,
  VersionStatus,
} from './records.js';

/**
 * Row → record mapping for both backends; their schemas use the same column names. The differences
 * are in how values arrive: SQLite hands back JSON columns as text where Postgres parses JSONB, and pg
 * returns BIGINT as a string. Counts and epoch ms stay far below 2^53, so `Number` is exact.
 */
export type JsonColumns = 'text' | 'parsed';

type Int = number | string;

/** experiment, arm and the columns of ARM_COUNTERS. */
export interface AggregateRow extends Record<string, unknown> {
  experiment: string;
  arm: string;
}

/** experiment and the columns of UNATTRIBUTED_COUNTERS. */
export interface TotalsRow extends Record<string, unknown> {
  experiment: string;
}

export interface EventRow {
  id: string;
  type: EventRecord['type'];
  user_id: string;
  experiment: string;
  arm: string;
  probability: number;
  model_version: string;
  value: number | null;
  latency_ms: number | null;
  ts: Int;
  variant: string | null;
  policy_version: string | null;
  exposure_id: string | null;
  reason: string | null;
  code: string | null;
  sample_rate: number | null;
  context: string | null;
}

/** The columns of {@link EventRow}, for SELECTs. */
export const EVENT_COLUMNS =
  'id, type, user_id, experiment, arm, probability, model_version, value, latency_ms, ts, variant, policy_version, exposure_id, reason, code, sample_rate, context';

export interface UserRow {
  experiment: string;
  user_id: string;
  arm: string | null;
  first_exposure_ts: Int | null;
  reward_count: Int;
  reward_sum: number;
  arm_changes: Int;
}

export interface DecisionRow {
  experiment: string;
  exposure_id: string;
  arm: string | null;
  probability: number | null;
  reward_count: Int;
  reward_sum: number;
}

export interface TimelineRow {
  bucket: Int;
  arm: string;
  exposures: Int;
  reward_count: Int;
  reward_sum: number;
  reward_sum_sq: number;
  users: Int;
}

export interface ExperimentRow {
  definition: unknown;
  policy_version: Int;
  policy_weights: unknown;
  context_weights?: unknown;
  updated_at: Int;
}

/** `arm` is '' for a stop of the whole experiment (a key column cannot be null). */
export interface StopRow {
  experiment: string;
  arm: string;
  at: Int;
  stopped_by: 'guardrail' | 'admin';
  reason: string;
  metric: string | null;
}

export interface AuditRow {
  id: Int;
  experiment: string;
  action: 'stop' | 'resume';
  arm: string;
  actor: string;
  reason: string | null;
  at: Int;
}

/** The whole experiment is stored as arm '' (names are never empty). */
export const WHOLE_EXPERIMENT = '';

export interface PolicyRow {
  policy_version: Int;
  weights: unknown;
  context_weights?: unknown;
  created_at: Int;
}

export interface ModelVersionRow {
  record: unknown;
  status: VersionStatus;
}

export interface TaskRow {
  id: string;
  status: TaskStatus;
  request: unknown;
  result: unknown;
  error: string | null;
  /** Absent in rows read before migration 3 ran. */
  owner?: string | null;
  created_at: Int;
  updated_at: Int;
}

export interface RowMapper {
  event(row: EventRow): EventRecord;
  aggregate(row: AggregateRow): ArmAggregate;
  totals(row: TotalsRow): ExperimentTotals;
  user(row: UserRow): UserState;
  decision(row: DecisionRow): DecisionState;
  timelinePoint(row: TimelineRow): TimelinePoint;
  /** The record with its stops (rows of this experiment only). */
  experiment(row: ExperimentRow, stops?: readonly StopRow[]): ExperimentRecord;
  stop(row: StopRow): StopRecord;
  audit(row: AuditRow): AuditRecord;
  policySnapshot(row: PolicyRow): PolicySnapshot;
  /** The status column wins over the one in the stored record: only the column is ever updated. */
  modelVersion(row: ModelVersionRow): ModelVersionRecord;
  task(row: TaskRow): TaskRecord;
}

export function rowMapper(json: JsonColumns): RowMapper {
  const parse = json === 'text' ? (value: unknown) => JSON.parse(value as string) : (value: unknown) => value;
  const parseNullable = (value: unknown) => (value === null || value === undefined ? null : parse(value));
  return {
    event: (row) => ({
      id: row.id,
      type: row.type,
      userId: row.user_id,
      experiment: row.experiment,
      arm: row.arm,
      probability: Number(row.probability),
      modelVersion: row.model_version,
      value: row.value === null ? null : Number(row.value),
      latencyMs: row.latency_ms === null ? null : Number(row.latency_ms),
      ts: Number(row.ts),
      variant: row.variant,
      policyVersion: row.policy_version,
      exposureId: row.exposure_id,
      reason: row.reason,
      code: row.code,
      sampleRate: row.sample_rate === null ? null : Number(row.sample_rate),
      context: row.context ?? null,
    }),
    aggregate: (row) => ({ experiment: row.experiment, arm: row.arm, ...readCounters(ARM_COUNTERS, row) }),
    totals: (row) => ({ experiment: row.experiment, ...readCounters(UNATTRIBUTED_COUNTERS, row) }),
    user: (row) => ({
      experiment: row.experiment,
      userId: row.user_id,
      arm: row.arm,
      firstExposureTs: row.first_exposure_ts === null ? null : Number(row.first_exposure_ts),
      rewardCount: Number(row.reward_count),
      rewardSum: Number(row.reward_sum),
      armChanges: Number(row.arm_changes),
    }),
    decision: (row) => ({
      experiment: row.experiment,
      exposureId: row.exposure_id,
      arm: row.arm,
      probability: row.probability === null ? null : Number(row.probability),
      rewardCount: Number(row.reward_count),
      rewardSum: Number(row.reward_sum),
    }),
    timelinePoint: (row) => ({
      bucket: Number(row.bucket),
      arm: row.arm,
      exposures: Number(row.exposures),
      rewardCount: Number(row.reward_count),
      rewardSum: Number(row.reward_sum),
      rewardSumSq: Number(row.reward_sum_sq),
      users: Number(row.users),
    }),
    experiment: (row, stops = []) => ({
      ...(parse(row.definition) as ExperimentDefinition),
      policyVersion: Number(row.policy_version),
      policyWeights: parseNullable(row.policy_weights) as number[] | null,
      // Only contextual experiments that have had a policy run have them: other records stay as they were.
      ...(row.context_weights == null
        ? {}
        : { contextWeights: parse(row.context_weights) as Record<string, number[]> }),
      updatedAt: Number(row.updated_at),
      stops: stops.map(stopRecord),
    }),
    stop: stopRecord,
    audit: (row) => ({
      id: Number(row.id),
      experiment: row.experiment,
      action: row.action,
      arm: row.arm === WHOLE_EXPERIMENT ? null : row.arm,
      actor: row.actor,
      reason: row.reason,
      at: Number(row.at),
    }),
    policySnapshot: (row) => ({
      policyVersion: Number(row.policy_version),
      weights: parse(row.weights) as number[],
      ...(row.context_weights == null
        ? {}
        : { contextWeights: parse(row.context_weights) as Record<string, number[]> }),
      createdAt: Number(row.created_at),
    }),
    modelVersion: (row) => ({ ...(parse(row.record) as ModelVersionRecord), status: row.status }),
    task: (row) => ({
      id: row.id,
      status: row.status,
      request: parse(row.request),
      result: parseNullable(row.result),
      error: row.error,
      owner: row.owner ?? null,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    }),
  };
}

function stopRecord(row: StopRow): StopRecord {
  return {
    arm: row.arm === WHOLE_EXPERIMENT ? null : row.arm,
    at: Number(row.at),
    by: row.stopped_by,
    reason: row.reason,
    ...(row.metric ? { metric: row.metric as GuardrailMetric } : {}),
  };
}

/** A view of the driver's Buffer, without copying the model bytes. */
export function bytesOf(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function alreadyPublished(name: string, version: string): ServerError {
  return new ServerError(
    'CONFLICT',
    `${name}@${version} is already published; versions are immutable, publish a new version`,
  );
}

/**
 * Adds the users first exposed in each bucket to the event buckets; a bucket with new users but no
 * events of that arm (possible once a late, earlier exposure moves a user) gets a row of its own.
 */
export function mergeUserBuckets(
  points: TimelinePoint[],
  users: readonly { bucket: Int; arm: string; users: Int }[],
): TimelinePoint[] {
  const byKey = new Map(points.map((p) => [`${p.bucket}\u0000${p.arm}`, p]));
  for (const u of users) {
    const bucket = Number(u.bucket);
    const key = `${bucket}\u0000${u.arm}`;
    const point = byKey.get(key);
    if (point) point.users = Number(u.users);
    else {
      const added = {
        bucket,
        arm: u.arm,
        exposures: 0,
        rewardCount: 0,
        rewardSum: 0,
        rewardSumSq: 0,
        users: Number(u.users),
      };
      byKey.set(key, added);
      points.push(added);
    }
  }
  return points.sort((a, b) => a.bucket - b.bucket || (a.arm < b.arm ? -1 : a.arm > b.arm ? 1 : 0));
}

/** A model_baselines row: JSON as text on SQLite, parsed already (jsonb) on Postgres. */
export interface BaselineRow {
  summary: BaselineRecord['summary'] | string;
  thresholds: BaselineRecord['thresholds'] | string | null;
  created_at: number | string;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export function baselineFromRow(
  key: { name: string; version: string; variant: string },
  row: BaselineRow,
): BaselineRecord {
  return {
    ...key,
    summary: json(row.summary),
    ...(row.thresholds ? { thresholds: json(row.thresholds) } : {}),
    createdAt: Number(row.created_at),
  };
}

/** A summary_days row (summary as text on SQLite, jsonb on Postgres; day a bigint string there). */
export interface SummaryDayRow {
  arm: string;
  model_version: string;
  variant: string;
  day: number | string;
  summary: StoredSummary['summary'] | string;
  summaries: number;
}

export function summaryFromRow(r: SummaryDayRow): StoredSummary {
  return {
    arm: r.arm,
    modelVersion: r.model_version,
    variant: r.variant === '' ? null : r.variant,
    day: Number(r.day),
    summary: json(r.summary),
    summaries: r.summaries,
  };
}
