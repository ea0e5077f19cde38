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
  checkEvent(event);
  return event;
}

function fromContext(ctx: ExposureContext): Omit<NewEvent, 'type'> {
  return {
    userId: ctx.userId,
    experiment: ctx.experiment,
    arm: ctx.arm,
    probability: ctx.probability,
    modelVersion: ctx.modelVersion,
  };
}

/** The exposure event for a context `ExposureLog.record` reported as `first`. */
export function exposureEvent(ctx: ExposureContext): EdgewiseEvent {
  return createEvent({ ...fromContext(ctx), type: 'exposure' });
}

/** A reward tied to the user's exposure (same experiment, arm, propensity and model version). */
export function rewardEvent(ctx: ExposureContext, value: number): EdgewiseEvent {
  return createEvent({ ...fromContext(ctx), type: 'reward', value });
}

/** A prediction made under an exposure, with how long it took. */
export function predictionEvent(ctx: ExposureContext, latencyMs: number, value?: number): EdgewiseEvent {
  return createEvent({
    ...fromContext(ctx),
    type: 'prediction',
    latencyMs,
    ...(value === undefined ? {} : { value }),
  });
}
