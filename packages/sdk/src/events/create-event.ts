import { EdgewiseError } from '../errors.js';
import type { ExposureContext } from '../experiments/exposure-log.js';
import { eventId } from './event-id.js';
import type { EdgewiseEvent, NewEvent } from './event-types.js';

const TYPES = new Set(['exposure', 'prediction', 'reward']);

function invalid(problem: string): never {
  // One bad event would make the collector reject its whole batch, so refuse it before it is queued.
  throw new EdgewiseError('CONFIG', `event not queued: ${problem}.`);
}

function nonEmpty(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0) invalid(`${field} must be a non-empty string`);
}

/**
 * Validates an event and stamps it with a fresh uuid and the current time (unless given).
 *
 * @example
 * queue.enqueue(createEvent({ type: 'reward', userId, experiment, arm, probability, modelVersion, value: 1 }));
 */
export function createEvent(fields: NewEvent): EdgewiseEvent {
  if (!TYPES.has(fields.type))
    invalid(`type must be exposure, prediction or reward, got ${JSON.stringify(fields.type)}`);
  nonEmpty(fields.userId, 'userId');
  nonEmpty(fields.experiment, 'experiment');
  nonEmpty(fields.arm, 'arm');
  nonEmpty(fields.modelVersion, 'modelVersion');
  const { probability, value, latencyMs } = fields;
  if (!(typeof probability === 'number' && probability > 0 && probability <= 1)) {
    invalid(`probability must be in (0, 1], got ${probability}`);
  }
  if (value !== undefined && !Number.isFinite(value)) invalid(`value must be a finite number, got ${value}`);
  if (latencyMs !== undefined && !(Number.isFinite(latencyMs) && latencyMs >= 0)) {
    invalid(`latencyMs must be a finite number >= 0, got ${latencyMs}`);
  }
  const ts = fields.ts ?? Date.now();
  if (!Number.isFinite(ts)) invalid(`ts must be epoch milliseconds, got ${ts}`);
  const event: EdgewiseEvent = {
    id: fields.id ?? eventId(),
    type: fields.type,
    userId: fields.userId,
    experiment: fields.experiment,
    arm: fields.arm,
    probability,
    modelVersion: fields.modelVersion,
    ts,
  };
  nonEmpty(event.id, 'id');
  if (value !== undefined) event.value = value;
  if (latencyMs !== undefined) event.latencyMs = latencyMs;
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
