import type { ModelSummary } from '@edgewise/protocol';
import type { ExposureContext } from '../experiments/exposure-log.js';
import { checkEvent } from './check-event.js';
import { eventId } from './event-id.js';
import type { EdgewiseEvent, HealthEventType, NewEvent } from './event-types.js';

/**
 * Validates an event and stamps it with a fresh uuid and the current time (unless given).
 *
 * @example
 * queue.enqueue(createEvent({ type: 'reward', userId, experiment, arm, probability, modelVersion, value: 1 }));
 */
export function createEvent(fields: NewEvent): EdgewiseEvent {
  const { value, latencyMs } = fields;
  const event: EdgewiseEvent = {
    id: fields.id ?? eventId(),
    type: fields.type,
    userId: fields.userId,
    experiment: fields.experiment,
    arm: fields.arm,
    probability: fields.probability,
    modelVersion: fields.modelVersion,
    ts: fields.ts ?? Date.now(),
  };
  if (value !== undefined) event.value = value;
  if (latencyMs !== undefined) event.latencyMs = latencyMs;
  if (fields.variant !== undefined) event.variant = fields.variant;
  if (fields.policyVersion !== undefined) event.policyVersion = fields.policyVersion;
  if (fields.exposureId !== undefined) event.exposureId = fields.exposureId;
  if (fields.reason !== undefined) event.reason = fields.reason;
  if (fields.code !== undefined) event.code = fields.code;
  if (fields.context !== undefined) event.context = fields.context;
  if (fields.summary !== undefined) event.summary = fields.summary;
  if (fields.sampleRate !== undefined && fields.sampleRate < 1) event.sampleRate = fields.sampleRate;
  checkEvent(event);
  return event;
}

function fromContext(ctx: Omit<ExposureContext, 'exposureId'>): Omit<NewEvent, 'type'> {
  return {
    userId: ctx.userId,
    experiment: ctx.experiment,
    arm: ctx.arm,
    probability: ctx.probability,
    modelVersion: ctx.modelVersion,
    policyVersion: ctx.policyVersion,
    ...(ctx.variant ? { variant: ctx.variant } : {}),
    ...(ctx.context ? { context: ctx.context } : {}),
  };
}

/** What followed a decision carries the decision's id. */
function following(ctx: ExposureContext): Omit<NewEvent, 'type'> {
  return { ...fromContext(ctx), ...(ctx.exposureId ? { exposureId: ctx.exposureId } : {}) };
}

/** The exposure event for a context `ExposureLog.record` reported as `first`: the decision itself. */
export function exposureEvent(ctx: ExposureContext): EdgewiseEvent {
  return createEvent({
    ...fromContext(ctx),
    type: 'exposure',
    ...(ctx.exposureId ? { id: ctx.exposureId } : {}),
  });
}

/** A reward tied to the user's decision (same experiment, arm, propensity, model and policy version). */
export function rewardEvent(ctx: ExposureContext, value: number): EdgewiseEvent {
  return createEvent({ ...following(ctx), type: 'reward', value });
}

/**
 * The user was assigned an arm this device cannot run: they run control and are not exposed. The
 * collector counts them per arm apart, so a variant that fails on many devices shows in the results.
 */
export function ineligibleEvent(ctx: Omit<ExposureContext, 'exposureId'>, reason: string): EdgewiseEvent {
  return createEvent({ ...fromContext(ctx), type: 'ineligible', reason: reason.slice(0, 512) });
}

/** What the arm's model saw and answered over many predictions, as sketches (never the inputs). */
export function summaryEvent(ctx: ExposureContext, summary: ModelSummary): EdgewiseEvent {
  return createEvent({ ...following(ctx), type: 'summary', summary });
}

/** A prediction made under an exposure, with how long it took; `sampleRate` < 1 when sampled. */
export function predictionEvent(ctx: ExposureContext, latencyMs: number, sampleRate = 1): EdgewiseEvent {
  return createEvent({ ...following(ctx), type: 'prediction', latencyMs, sampleRate });
}

/** What the device's health events say beyond their type. */
export interface HealthDetails {
  /** `load`: ms to load the model; required there. */
  latencyMs?: number;
  /** `error`: the EdgewiseError code; required there. */
  code?: string;
  /** What happened, cut to the protocol's 512 characters. */
  reason?: string;
}

/**
 * A health event of the arm a user runs: its load time, a backend fallback, a worker crash, a lost
 * GPU, a failed integrity check or a failed predict call. Before the exposure is logged (a failure
 * during the load) `ctx` has no exposureId, and the event still counts for the arm.
 */
export function healthEvent(
  ctx: ExposureContext,
  type: HealthEventType,
  details: HealthDetails = {},
): EdgewiseEvent {
  return createEvent({
    ...following(ctx),
    type,
    ...(details.latencyMs === undefined ? {} : { latencyMs: Math.max(0, details.latencyMs) }),
    ...(details.code === undefined ? {} : { code: details.code }),
    ...(details.reason ? { reason: details.reason.slice(0, 512) } : {}),
  });
}
