import { describe, expect, it } from 'vitest';
import { EdgewiseError } from '../../src/errors.js';
import { createEvent, exposureEvent, predictionEvent, rewardEvent } from '../../src/events/create-event.js';
import type { ExposureContext } from '../../src/experiments/exposure-log.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const context: ExposureContext = {
  userId: 'user-1',
  experiment: 'iris-int8-vs-fp32',
  arm: 'int8',
  probability: 0.5,
  modelVersion: '1.1.0',
  policyVersion: '3',
};

describe('events', () => {
  it('get a fresh v7 uuid and a timestamp', () => {
    const a = rewardEvent(context, 1);
    const b = rewardEvent(context, 1);
    expect(a.id).toMatch(UUID);
    expect(a.id).not.toBe(b.id);
    expect(Number.isFinite(a.ts)).toBe(true);
  });

  it('carry the exposure they belong to', () => {
    expect(exposureEvent(context)).toMatchObject({
      type: 'exposure',
      userId: 'user-1',
      experiment: 'iris-int8-vs-fp32',
      arm: 'int8',
      probability: 0.5,
      modelVersion: '1.1.0',
    });
    expect(exposureEvent(context)).not.toHaveProperty('value');
    expect(rewardEvent(context, 0.25)).toMatchObject({ type: 'reward', value: 0.25 });
    expect(predictionEvent(context, 12.5)).toMatchObject({ type: 'prediction', latencyMs: 12.5 });
  });

  it.each([
    [{ value: Number.NaN }, /value/],
    [{ probability: 0 }, /probability/],
    [{ probability: 1.2 }, /probability/],
    [{ userId: '' }, /userId/],
    [{ latencyMs: -1 }, /latencyMs/],
    [{ type: 'click' }, /type/],
  ])('are refused before queueing when malformed (%o)', (patch, message) => {
    const bad = { ...context, type: 'reward' as const, value: 1, ...patch } as Parameters<
      typeof createEvent
    >[0];
    expect(() => createEvent(bad)).toThrow(EdgewiseError);
    expect(() => createEvent(bad)).toThrow(message);
  });
});
