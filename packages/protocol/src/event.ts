import { textSchema, UUID_PATTERN } from './common.js';
import { DEVICE_CLASSES, type DeviceClass } from './device-class.js';
import type { ModelSummary } from './sketch/model-summary.js';

export const MAX_EVENTS_PER_BATCH = 500;
/** Timestamps outside 2000–2100 are clock bugs (an unset clock, seconds for ms), not events. */
export const MIN_EVENT_TS = Date.UTC(2000, 0, 1);
export const MAX_EVENT_TS = Date.UTC(2100, 0, 1);
export const EVENT_TEXT_LIMITS = {
  userId: 256,
  experiment: 128,
  arm: 128,
  modelVersion: 128,
  variant: 128,
  reason: 512,
  code: 64,
};

/**
 * Health of the device running an arm, sent with the other events: `load` (latencyMs = time to
 * load the model), `fallback` (a backend failed and another took over), `crash` (the inference
 * worker died and was restarted), `device-lost` (the GPU device was lost), `integrity` (a model file
 * failed its sha256), `error` (a predict call failed; `code` is the SDK's error code).
 */
export const HEALTH_EVENT_TYPES = ['load', 'fallback', 'crash', 'device-lost', 'integrity', 'error'] as const;
export type HealthEventType = (typeof HEALTH_EVENT_TYPES)[number];
export const EVENT_TYPES = [
  'exposure',
  'prediction',
  'reward',
  'ineligible',
  ...HEALTH_EVENT_TYPES,
  'summary',
] as const;

/**
 * `exposure`: a decision — the user was assigned an arm and runs it (its id is the decision's id).
 * `prediction` and `reward`: what followed a decision (`exposureId` names it). `ineligible`: the user
 * was assigned an arm this device cannot run; they run control instead and are not exposed.
 * `summary`: sketches of what the arm's model saw and answered over many predictions (`summary`),
 * never the inputs themselves; the collector compares them with the version's baseline (drift).
 */
export type EventType = 'exposure' | 'prediction' | 'reward' | 'ineligible' | HealthEventType | 'summary';

/**
 * One event as the collector receives it. `id` is the idempotency key: a retry with the same id is
 * counted once.
 */
export interface EdgewiseEvent {
  id: string;
  type: EventType;
  userId: string;
  experiment: string;
  arm: string;
  /**
   * Propensity of the arm when it was assigned, in (0, 1]. Never 0: an arm with probability 0 was
   * never chosen, and inverse-propensity estimates divide by this.
   */
  probability: number;
  modelVersion: string;
  /** Required on rewards; a finite number. */
  value?: number;
  latencyMs?: number;
  /** Epoch milliseconds, or an ISO 8601 date-time string, when the event happened (not when sent). */
  ts: number | string;
  /** The model variant (e.g. 'int8') the arm ran, when it was not the version's base file. */
  variant?: string;
  /** The bandit policy version the assignment came from. */
  policyVersion?: string | number;
  /** The decision (the exposure event's id) a prediction or reward follows. */
  exposureId?: string;
  /** Why the device could not run the arm; required on `ineligible`. What happened, on health events. */
  reason?: string;
  /** The SDK's error code; required on `error`. */
  code?: string;
  /**
   * The share of such events this device sends, in (0, 1]: a prediction sent at 0.1 stands for ten.
   * Absent means 1.
   */
  sampleRate?: number;
  /** The device class (device-class.ts) of a contextual experiment's events; nothing finer is ever sent. */
  context?: DeviceClass;
  /** Required on `summary`: at least MIN_SUMMARY_PREDICTIONS predictions' sketches (model-summary.ts). */
  summary?: ModelSummary;
}

export interface EventBatch {
  events: EdgewiseEvent[];
}

/** One event. Unknown extra properties are ignored (not refused) so newer SDKs keep working. */
export const eventSchema = {
  type: 'object',
  required: ['id', 'type', 'userId', 'experiment', 'arm', 'probability', 'modelVersion', 'ts'],
  properties: {
    id: { type: 'string', pattern: UUID_PATTERN },
    type: { type: 'string', enum: EVENT_TYPES },
    userId: textSchema(EVENT_TEXT_LIMITS.userId),
    experiment: textSchema(EVENT_TEXT_LIMITS.experiment),
    arm: textSchema(EVENT_TEXT_LIMITS.arm),
    probability: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    modelVersion: textSchema(EVENT_TEXT_LIMITS.modelVersion),
    value: { type: 'number' },
    latencyMs: { type: 'number', minimum: 0 },
    // A string must also parse as a date within the same range; JSON Schema cannot say that, so
    // readers check it after validation (see README, "Events").
    ts: {
      anyOf: [
        { type: 'number', minimum: MIN_EVENT_TS, maximum: MAX_EVENT_TS },
        { type: 'string', minLength: 10, maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}T' },
      ],
    },
    variant: textSchema(EVENT_TEXT_LIMITS.variant),
    policyVersion: { anyOf: [{ type: 'string', minLength: 1, maxLength: 128 }, { type: 'number' }] },
    exposureId: { type: 'string', pattern: UUID_PATTERN },
    reason: textSchema(EVENT_TEXT_LIMITS.reason),
    code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,63}$' },
    sampleRate: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    context: { type: 'string', enum: DEVICE_CLASSES },
    // Its contents are checked by checkModelSummary (nested sketches are more than a schema says well).
    summary: { type: 'object' },
  },
  allOf: [
    {
      if: { properties: { type: { const: 'reward' } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
      then: { required: ['value'] },
    },
    {
      if: { properties: { type: { const: 'ineligible' } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
      then: { required: ['reason'] },
    },
    {
      if: { properties: { type: { const: 'error' } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
      then: { required: ['code'] },
    },
    {
      if: { properties: { type: { const: 'load' } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
      then: { required: ['latencyMs'] },
    },
    {
      if: { properties: { type: { const: 'summary' } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
      then: { required: ['summary'] },
    },
  ],
} as const;

export const eventBatchSchema = {
  type: 'object',
  required: ['events'],
  additionalProperties: false,
  properties: {
    events: { type: 'array', minItems: 1, maxItems: MAX_EVENTS_PER_BATCH, items: eventSchema },
  },
} as const;

/**
 * `ts` as epoch milliseconds, or undefined when it is not a date within 2000–2100. The one check on
 * events that JSON Schema cannot express, written here so every reader applies the same rule.
 */
export function eventTimestamp(ts: number | string): number | undefined {
  const ms = typeof ts === 'number' ? ts : Date.parse(ts);
  return Number.isFinite(ms) && ms >= MIN_EVENT_TS && ms <= MAX_EVENT_TS ? ms : undefined;
}
