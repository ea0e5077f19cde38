import type { EventRecord } from '../storage/records.js';

export const MAX_EVENTS_PER_BATCH = 500;
const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;

/** One event on the wire. Unknown extra properties are ignored so newer SDKs keep working. */
export const eventSchema = {
  type: 'object',
  required: ['id', 'type', 'userId', 'experiment', 'arm', 'probability', 'modelVersion', 'ts'],
  properties: {
    id: { type: 'string', pattern: UUID },
    type: { type: 'string', enum: ['exposure', 'prediction', 'reward'] },
    userId: text(256),
    experiment: text(128),
    arm: text(128),
    probability: { type: 'number', minimum: 0, maximum: 1 },
    modelVersion: text(128),
    value: { type: 'number' },
    latencyMs: { type: 'number', minimum: 0 },
    // Epoch milliseconds, or an ISO 8601 date-time string; either within 2000–2100.
    ts: {
      anyOf: [
        { type: 'number', minimum: MIN_TS, maximum: MAX_TS },
        { type: 'string', minLength: 10, maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}T' },
      ],
    },
  },
  if: { properties: { type: { const: 'reward' } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
  then: { required: ['value'] },
} as const;

export const eventBatchSchema = {
  type: 'object',
  required: ['events'],
  additionalProperties: false,
  properties: {
    events: { type: 'array', minItems: 1, maxItems: MAX_EVENTS_PER_BATCH, items: eventSchema },
  },
} as const;

export interface WireEvent {
  id: string;
  type: EventRecord['type'];
  userId: string;
  experiment: string;
  arm: string;
  probability: number;
  modelVersion: string;
  value?: number;
  latencyMs?: number;
  ts: number | string;
}

/** Normalises a schema-valid event; throws with the field when `ts` is not a real date. */
export function toEventRecord(e: WireEvent, index: number): EventRecord | { field: string; message: string } {
  const ts = typeof e.ts === 'number' ? e.ts : Date.parse(e.ts);
  if (!Number.isFinite(ts) || ts < MIN_TS || ts > MAX_TS) {
    return {
      field: `events[${index}].ts`,
      message: `body: events[${index}].ts must be epoch ms or an ISO 8601 date-time between 2000 and 2100`,
    };
  }
  return {
    id: e.id.toLowerCase(),
    type: e.type,
    userId: e.userId,
    experiment: e.experiment,
    arm: e.arm,
    probability: e.probability,
    modelVersion: e.modelVersion,
    value: e.value ?? null,
    latencyMs: e.latencyMs ?? null,
    ts: Math.round(ts),
  };
}
