import { textSchema, UUID_PATTERN } from './common.js';

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
};

/**
 * `exposure`: a decision — the user was assigned an arm and runs it (its id is the decision's id).
 * `prediction` and `reward`: what followed a decision (`exposureId` names it). `ineligible`: the user
 * was assigned an arm this device cannot run; they run control instead and are not exposed.
 */
export type EventType = 'exposure' | 'prediction' | 'reward' | 'ineligible';

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
  /** Why the device could not run the arm; required on `ineligible`. */
  reason?: string;
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
    type: { type: 'string', enum: ['exposure', 'prediction', 'reward', 'ineligible'] },
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
