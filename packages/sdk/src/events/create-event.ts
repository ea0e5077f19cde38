import type { ExposureContext } from '../experiments/exposure-log.js';
import { checkEvent } from './check-event.js';
import { eventId } from './event-id.js';
import type { EdgewiseEvent, NewEvent } from './event-types.js';

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

/** A prediction made under an exposure, with how long it took. */
export function predictionEvent(ctx: ExposureContext, latencyMs: number, value?: number): EdgewiseEvent {
  return createEvent({
    ...following(ctx),
    type: 'prediction',
    latencyMs,
    ...(value === undefined ? {} : { value }),
  });
}
