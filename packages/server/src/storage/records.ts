import type {
  ArmStop,
  EventType,
  ExperimentDefinition,
  ModelFormat,
  ModelSummary,
  VersionStatus,
} from '@edgewise/protocol';
import type { ArmCounters, UnattributedCounters } from './counters.js';

/** The rows the server keeps, the same whichever database holds them. */

export type { EventType };

/** One client event, normalised: `ts` in epoch milliseconds, absent numbers as null. */
export interface EventRecord {
  id: string;
  type: EventType;
  userId: string;
  experiment: string;
  arm: string;
  probability: number;
  modelVersion: string;
  value: number | null;
  latencyMs: number | null;
  ts: number;
  /** The model variant the arm ran; null when it ran the version's base file. */
  variant: string | null;
  /** The policy version the assignment came from, as text (the wire allows a string or a number). */
  policyVersion: string | null;
  /** The decision (exposure id) a prediction or reward follows. */
  exposureId: string | null;
  /** Why the device could not run the arm; set on ineligible events. What happened, on health events. */
  reason: string | null;
  /** The SDK's error code, on `error` events. */
  code: string | null;
  /** The share of such events the device sent, in (0, 1]; null means 1 (all of them). */
  sampleRate: number | null;
  /** A contextual experiment's device class, as the device sent it; null elsewhere. */
  context?: string | null;
  /** A `summary` event's sketches, as it arrived; merged into summary_days, not kept in the event row. */
  summary?: ModelSummary | null;
}

/** What `EventStore.rebuild` did to one experiment. */
export interface RebuildResult {
  experiment: string;
  /** Stored events folded into the new aggregates. */
  folded: number;
  /** Events moved to `quarantined_events`, by the field at fault. */
  quarantined: Record<string, number>;
}

export interface IngestResult {
  /** Events stored for the first time. */
  accepted: number;
  /** Events whose id was already stored (a retry), dropped. */
  duplicates: number;
}

export type { ArmCounters, UnattributedCounters } from './counters.js';

/** Running totals per experiment arm, updated in the same transaction as the events they count. */
export interface ArmAggregate extends ArmCounters {
  experiment: string;
  arm: string;
}

/** What an experiment's events say outside its arms: rewards of users or decisions not (yet) exposed. */
export interface ExperimentTotals extends UnattributedCounters {
  experiment: string;
}

/** Exposures and rewards of one arm in one time bucket, for the dashboard's plots. */
export interface TimelinePoint {
  /** Start of the bucket, epoch ms. */
  bucket: number;
  arm: string;
  exposures: number;
  rewardCount: number;
  rewardSum: number;
  rewardSumSq: number;
  /** Users whose first exposure falls in this bucket (in the arm they were first exposed to). */
  users: number;
}

// What an admin defines is a wire format: it lives in @edgewise/protocol, once.
export type {
  BanditPolicyName as PolicyName,
  ExperimentArm,
  ExperimentDefinition,
} from '@edgewise/protocol';

export type { ArmStop };

/** A stop as stored: of one arm, or (arm null) of the whole experiment. */
export interface StopRecord extends ArmStop {
  arm: string | null;
}

/** One stop or resume, by whom (`'guardrail'`, or `'admin'` for a person with the admin token). */
export interface AuditRecord {
  id: number;
  experiment: string;
  action: 'stop' | 'resume';
  /** null: the whole experiment. */
  arm: string | null;
  actor: string;
  reason: string | null;
  at: number;
}

/** A definition plus the policy state the server owns. */
export interface ExperimentRecord extends ExperimentDefinition {
  policyVersion: number;
  /** Bandit weights from the last policy run, index-aligned with arms; null before the first run. */
  policyWeights: number[] | null;
  /** Contextual experiments: weights per device class from the last policy run; null before it. */
  contextWeights?: Record<string, number[]> | null;
  updatedAt: number;
  /** Arms (and, arm null, the experiment) stopped now; kept apart from the definition, so re-POSTing it keeps them. */
  stops: StopRecord[];
}

export interface PolicySnapshot {
  policyVersion: number;
  weights: number[];
  /** Contextual experiments: that run's weights per device class. */
  contextWeights?: Record<string, number[]>;
  createdAt: number;
}

export type { VersionStatus };

/** As the registry reads it from a published file: any dtype the file declares. */
export interface TensorSpec {
  name: string;
  dtype: string;
  shape: (number | string)[];
}

/** A model version published to the registry (its bytes are stored beside it). */
export interface ModelVersionRecord {
  name: string;
  version: string;
  format: ModelFormat;
  quantization: string;
  sha256: string;
  bytes: number;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  metrics?: Record<string, number>;
  labels?: string[];
  status: VersionStatus;
  createdAt: number;
}

export interface ChannelRecord {
  name: string;
  channel: string;
  version: string;
}

export type TaskStatus = 'pending' | 'done' | 'failed';

/** An async prediction: its request, and its result once done. Kept in the store so any replica can answer. */
export interface TaskRecord {
  id: string;
  status: TaskStatus;
  request: unknown;
  result: unknown | null;
  error: string | null;
  /** sha256 (hex) of the write key that created the task; null for tasks from before owners. */
  owner: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A model version's baseline: the summary drift is measured against, with its own thresholds. */
export interface BaselineRecord {
  name: string;
  version: string;
  /** '' for the version's base file. */
  variant: string;
  summary: ModelSummary;
  /** Overrides of the drift thresholds for this version (PSI, KS); absent: the defaults. */
  thresholds?: { psi?: number; ks?: number };
  createdAt: number;
}

/** One arm's summaries of one file for one UTC day, merged at ingest (summary-days.ts). */
export interface StoredSummary {
  arm: string;
  modelVersion: string;
  /** null for the version's base file. */
  variant: string | null;
  /** The UTC day's first millisecond. */
  day: number;
  summary: ModelSummary;
  /** Summary events merged into it. */
  summaries: number;
}
