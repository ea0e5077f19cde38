import events from '@edgewise/protocol/vectors/events.json' with { type: 'json' };
import { afterAll, describe, expect, it } from 'vitest';
import { EdgewiseError } from '../../src/errors.js';
import { checkEvent } from '../../src/events/check-event.js';
import { EventQueue } from '../../src/events/event-queue.js';
import { MemoryEventStore } from '../../src/events/event-store.js';
import type { EdgewiseEvent } from '../../src/events/event-types.js';
import { ManualTimers } from './manual-timers.js';

// The same cases packages/server/test/protocol-vectors.test.ts posts to the collector: the SDK must
// refuse exactly what the server rejects, so it never queues an event that would fail forever.

function refusal(value: unknown): EdgewiseError | undefined {
  try {
    checkEvent(value);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(EdgewiseError);
    return error as EdgewiseError;
  }
}

describe('the pre-queue event check on the shared vectors', () => {
  it.each(events.valid.map((c) => [c.name, c.event] as const))('accepts %s', (_name, event) => {
    expect(refusal(event)).toBeUndefined();
  });

  it.each(events.invalid.map((c) => [c.name, c.event, c.field] as const))(
    'refuses %s with CONFIG, naming the field',
    (_name, event, field) => {
      const error = refusal(event);
      expect(error?.code).toBe('CONFIG');
      expect(error?.details?.field).toBe(field);
      expect(error?.message).toContain(field);
    },
  );

  it('refuses the values JSON cannot carry, which the collector would receive as null', () => {
    const base = events.valid[1]!.event;
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(refusal({ ...base, value })?.details?.field).toBe('value');
      expect(refusal({ ...base, type: 'prediction', latencyMs: value })?.details?.field).toBe('latencyMs');
    }
  });
});

describe('EventQueue.enqueue', () => {
  const store = new MemoryEventStore();
  const queue = new EventQueue({
    collectorUrl: 'http://127.0.0.1:9/v1/events',
    store,
    timers: new ManualTimers(),
    listenToPage: false,
  });
  afterAll(() => queue.close());

  it('stores none of the invalid vectors and keeps a valid one', async () => {
    for (const c of events.invalid) {
      await expect(queue.enqueue(c.event as unknown as EdgewiseEvent)).rejects.toMatchObject({
        code: 'CONFIG',
      });
    }
    expect(await store.size()).toBe(0);
    await queue.enqueue(events.valid[0]!.event as EdgewiseEvent);
    expect(await store.size()).toBe(1);
  });
});
