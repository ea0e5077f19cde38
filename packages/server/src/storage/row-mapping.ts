import { ServerError } from '../errors.js';
import type {
  ArmAggregate,
  ExperimentDefinition,
  ExperimentRecord,
  ModelVersionRecord,
  PolicySnapshot,
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

export interface AggregateRow {
  experiment: string;
  arm: string;
  exposures: Int;
  predictions: Int;
  reward_count: Int;
  reward_sum: number;
  reward_sum_sq: number;
}

export interface TimelineRow {
  bucket: Int;
  arm: string;
  exposures: Int;
  reward_count: Int;
  reward_sum: number;
  reward_sum_sq: number;
}

export interface ExperimentRow {
  definition: unknown;
  policy_version: Int;
  policy_weights: unknown;
  updated_at: Int;
}

export interface PolicyRow {
  policy_version: Int;
  weights: unknown;
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
  created_at: Int;
  updated_at: Int;
}

export interface RowMapper {
  aggregate(row: AggregateRow): ArmAggregate;
  timelinePoint(row: TimelineRow): TimelinePoint;
  experiment(row: ExperimentRow): ExperimentRecord;
  policySnapshot(row: PolicyRow): PolicySnapshot;
  /** The status column wins over the one in the stored record: only the column is ever updated. */
  modelVersion(row: ModelVersionRow): ModelVersionRecord;
  task(row: TaskRow): TaskRecord;
}

export function rowMapper(json: JsonColumns): RowMapper {
  const parse = json === 'text' ? (value: unknown) => JSON.parse(value as string) : (value: unknown) => value;
  const parseNullable = (value: unknown) => (value === null || value === undefined ? null : parse(value));
  return {
    aggregate: (row) => ({
      experiment: row.experiment,
      arm: row.arm,
      exposures: Number(row.exposures),
      predictions: Number(row.predictions),
      rewardCount: Number(row.reward_count),
      rewardSum: Number(row.reward_sum),
      rewardSumSq: Number(row.reward_sum_sq),
    }),
    timelinePoint: (row) => ({
      bucket: Number(row.bucket),
      arm: row.arm,
      exposures: Number(row.exposures),
      rewardCount: Number(row.reward_count),
      rewardSum: Number(row.reward_sum),
      rewardSumSq: Number(row.reward_sum_sq),
    }),
    experiment: (row) => ({
      ...(parse(row.definition) as ExperimentDefinition),
      policyVersion: Number(row.policy_version),
      policyWeights: parseNullable(row.policy_weights) as number[] | null,
      updatedAt: Number(row.updated_at),
    }),
    policySnapshot: (row) => ({
      policyVersion: Number(row.policy_version),
      weights: parse(row.weights) as number[],
      createdAt: Number(row.created_at),
    }),
    modelVersion: (row) => ({ ...(parse(row.record) as ModelVersionRecord), status: row.status }),
    task: (row) => ({
      id: row.id,
      status: row.status,
      request: parse(row.request),
      result: parseNullable(row.result),
      error: row.error,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    }),
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
