import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { EdgewiseError } from '../../src/errors.js';
import { createEvent } from '../../src/events/create-event.js';
import { EventQueue } from '../../src/events/event-queue.js';
import type { EventQueueOptions } from '../../src/events/event-queue-options.js';
import type { EdgewiseEvent } from '../../src/events/event-types.js';
import { IndexedDbEventStore } from '../../src/events/indexeddb-event-store.js';
import { seededRandom } from '../../src/experiments/seeded-random.js';
import { ManualTimers } from './manual-timers.js';
import { type ScriptedCollector, startScriptedCollector } from './scripted-collector.js';

const event = (n: number): EdgewiseEvent =>
  createEvent({
    type: 'reward',
    userId: `u${n}`,
    experiment: 'e',
    arm: 'a',
    probability: 0.5,
    modelVersion: '1',
    value: n,
  });

let collector: ScriptedCollector;
let dbCount = 0;
const queues: EventQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.close();
  await collector?.close();
});

function setup(options: Partial<EventQueueOptions> = {}) {
  const timers = new ManualTimers();
  const store = options.store ?? new IndexedDbEventStore(`queue-test-${++dbCount}`);
  const errors: EdgewiseError[] = [];
  const make = (overrides: Partial<EventQueueOptions> = {}) => {
    const queue = new EventQueue({
      collectorUrl: collector.url,
      writeKey: 'pk_test',
      batchSize: 50,
      flushIntervalMs: 1000,
      backoff: { baseMs: 100, maxMs: 1600, factor: 2 },
      store,
      timers,
      random: seededRandom(1),
      onError: (e) => errors.push(e),
      ...options,
      ...overrides,
    });
    queues.push(queue);
    return queue;
  };
  return { timers, store, errors, make };
}

const sentIds = () => collector.received.flatMap((b) => b.events.map((e) => e.id));

describe('EventQueue batching', () => {
  it('sends full batches at once and the remainder on flush, each event exactly once', async () => {
    collector = await startScriptedCollector();
    const { make } = setup();
    const queue = make();
    const events = Array.from({ length: 120 }, (_, i) => event(i));
    for (const e of events) await queue.enqueue(e);
    const result = await queue.flush();
    expect(collector.received.map((b) => b.events.length)).toEqual([50, 50, 20]);
    expect(sentIds().sort()).toEqual(events.map((e) => e.id).sort());
    expect(result.pending).toBe(0);
    expect(await queue.stats()).toMatchObject({ enqueued: 120, sent: 120, retries: 0, pending: 0 });
  });

  it('holds a partial batch until flushIntervalMs passes', async () => {
    collector = await startScriptedCollector();
    const { make, timers } = setup();
    const queue = make();
    await timers.fireAll(); // the start-up flush of earlier pages' events: nothing to send
    for (let i = 0; i < 3; i++) await queue.enqueue(event(i));
    expect(collector.received).toHaveLength(0);
    expect(timers.delays()).toEqual([1000]);
    await timers.fireAll();
    expect(collector.received.map((b) => b.events.length)).toEqual([3]);
  });
});

describe('EventQueue retries', () => {
  it('backs off exponentially with jitter while the collector fails, then delivers everything once', async () => {
    collector = await startScriptedCollector((n) => (n < 4 ? { status: 503 } : { status: 200 }));
    const { make, timers } = setup();
    const queue = make();
    for (let i = 0; i < 10; i++) await queue.enqueue(event(i));
    const first = await queue.flush();
    const delays: number[] = [];
    while (timers.delays().length > 0) {
      delays.push(...timers.delays());
      await timers.fireAll();
    }
    expect(delays[0]).toBe(first.retryInMs);
    // Ceilings 100, 200, 400, 800 ms; each delay lies in [ceiling / 2, ceiling).
    expect(delays).toHaveLength(4);
    delays.forEach((d, attempt) => {
      const ceiling = 100 * 2 ** attempt;
      expect(d).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d).toBeLessThan(ceiling);
    });
    expect(collector.stored.size).toBe(10);
    expect(await queue.stats()).toMatchObject({ sent: 10, retries: 4, rejected: 0, pending: 0 });
  });

  it('waits at least as long as Retry-After asks', async () => {
    collector = await startScriptedCollector((n) =>
      n === 0 ? { status: 429, headers: { 'Retry-After': '5' } } : { status: 200 },
    );
    const { make } = setup();
    const queue = make();
    await queue.enqueue(event(1));
    expect((await queue.flush()).retryInMs).toBe(5000);
  });

  it('does not send new events while a retry is pending', async () => {
    collector = await startScriptedCollector((n) => (n === 0 ? 'reset' : { status: 200 }));
    const { make, timers } = setup();
    const queue = make();
    await queue.enqueue(event(0));
    await queue.flush();
    expect(collector.received).toHaveLength(1);
    for (let i = 1; i <= 120; i++) await queue.enqueue(event(i));
    expect(collector.received).toHaveLength(1);
    await timers.fireAll();
    expect(collector.stored.size).toBe(121);
  });

  it('resends a batch whose acknowledgement was lost, so the collector sees its ids twice but stores them once', async () => {
    collector = await startScriptedCollector((n) => (n === 0 ? 'stored-then-reset' : { status: 200 }));
    const { make, timers } = setup();
    const queue = make();
    for (let i = 0; i < 5; i++) await queue.enqueue(event(i));
    expect((await queue.flush()).retryInMs).toBeDefined();
    await timers.fireAll();
    expect(collector.received).toHaveLength(2);
    expect(collector.received[1]?.events).toEqual(collector.received[0]?.events);
    expect(collector.stored.size).toBe(5);
    expect(await queue.stats()).toMatchObject({ sent: 5, retries: 1, pending: 0 });
  });
});

describe('EventQueue drops', () => {
  it('drops a batch the collector rejects with a 4xx, reports it, and carries on with the next', async () => {
    collector = await startScriptedCollector((n) =>
      n === 0 ? { status: 400, body: '{"error":"BAD_REQUEST"}' } : { status: 200 },
    );
    const { make, errors } = setup({ batchSize: 2 });
    const queue = make();
    for (let i = 0; i < 4; i++) await queue.enqueue(event(i));
    await queue.flush();
    expect(collector.received).toHaveLength(2);
    expect(await queue.stats()).toMatchObject({ sent: 2, rejected: 2, retries: 0, pending: 0 });
    expect(errors.map((e) => e.code)).toEqual(['NETWORK']);
    expect(errors[0]?.message).toMatch(/rejected a batch of 2 events .*BAD_REQUEST/);
  });

  it('keeps at most maxQueueSize events, dropping and counting the oldest, across reloads', async () => {
    collector = await startScriptedCollector(() => ({ status: 503 }));
    const { make, errors, store } = setup({ maxQueueSize: 10 });
    const queue = make();
    const events = Array.from({ length: 15 }, (_, i) => event(i));
    for (const e of events) await queue.enqueue(e);
    expect(await queue.stats()).toMatchObject({ dropped: 5, pending: 10 });
    expect(errors.filter((e) => e.code === 'QUOTA')).toHaveLength(5);
    const pending = (await store.oldest(20)).map((s) => s.event.id);
    expect(pending).toEqual(events.slice(5).map((e) => e.id));
    await queue.close();

    await collector.close();
    collector = await startScriptedCollector();
    const reloaded = make({ collectorUrl: collector.url });
    expect(await reloaded.stats()).toMatchObject({ dropped: 5, pending: 10 });
  });
});

describe('EventQueue across page loads', () => {
  it('delivers events an earlier page left unsent as soon as it starts', async () => {
    collector = await startScriptedCollector(() => 'reset');
    const { make, timers } = setup();
    const first = make();
    const events = Array.from({ length: 30 }, (_, i) => event(i));
    for (const e of events) await first.enqueue(e);
    await first.close(); // the page goes away with everything unsent
    expect(collector.stored.size).toBe(0);

    await collector.close();
    collector = await startScriptedCollector();
    make({ collectorUrl: collector.url });
    await timers.fireAll();
    expect([...collector.stored].sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('refuses events once closed, with DISPOSED', async () => {
    collector = await startScriptedCollector();
    const { make } = setup();
    const queue = make();
    await queue.close();
    await expect(queue.enqueue(event(1))).rejects.toMatchObject({ code: 'DISPOSED' });
    expect(() => new EventQueue({ collectorUrl: '' })).toThrow(EdgewiseError);
    expect(() => new EventQueue({ collectorUrl: '/v1/events', batchSize: 0 })).toThrow(/batchSize/);
  });
});
