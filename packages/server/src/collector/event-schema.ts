import { type EdgewiseEvent, eventTimestamp } from '@edgewise/protocol';
import type { EventRecord } from '../storage/records.js';

// The collector validates with the protocol's schema; this file only turns a valid event into a row.
export { eventBatchSchema, eventSchema, MAX_EVENTS_PER_BATCH } from '@edgewise/protocol';

export type WireEvent = EdgewiseEvent;

/**
 * Normalises a schema-valid event. Returns the field at fault when `ts` is not a real date in range,
 * the one rule the schema cannot state. `policyVersion` may be a string or a number on the wire; it
 * is stored as text so both compare equal. Exposure ids are lower-cased like event ids, so a reward
 * finds its decision whatever case the client used.
 */
export function toEventRecord(e: WireEvent, index: number): EventRecord | { field: string; message: string } {
  const ts = eventTimestamp(e.ts);
  if (ts === undefined) {
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
    variant: e.variant ?? null,
    policyVersion: e.policyVersion === undefined ? null : String(e.policyVersion),
    exposureId: e.exposureId?.toLowerCase() ?? null,
    reason: e.reason ?? null,
    code: e.code ?? null,
    sampleRate: e.sampleRate ?? null,
    context: e.context ?? null,
    ...(e.summary ? { summary: e.summary } : {}),
  };
}
