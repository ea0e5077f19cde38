import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EdgewiseError } from '../../src/errors.js';
import { createEvent } from '../../src/events/create-event.js';
import { EventQueue } from '../../src/events/event-queue.js';
import { IndexedDbEventStore } from '../../src/events/indexeddb-event-store.js';
import { postBatch } from '../../src/events/transport.js';
import { type ScriptedCollector, startScriptedCollector } from './scripted-collector.js';

// A 207 from the collector lists events that broke a rule (unknown arm, value out of range, …):
// they can never be stored, so the SDK drops and counts them instead of resending them forever.

const event = (n: number) =>
  createEvent({
    type: 'reward',
    userId: `u${n}`,
    experiment: 'e',
    arm: 'a',
    probability: 0.5,
    modelVersion: '1',
    value: n,
  });

const rejectedBody = JSON.stringify({
  accepted: 1,
  duplicates: 0,
  rejected: [{ index: 1, id: 'x', field: 'events[1].arm', reason: 'experiment "e" has no arm "zz"' }],
});

let collector: ScriptedCollector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
});

describe('per-event rejections (207)', () => {
  it('postBatch reports them on a stored outcome', async () => {
    collector = await startScriptedCollector(() => ({ status: 207, body: rejectedBody }));
    const outcome = await postBatch([event(0), event(1)], { url: collector.url, writeKey: 'pk_test' });
    expect(outcome).toMatchObject({
      kind: 'stored',
      status: 207,
      rejected: [{ index: 1, field: 'events[1].arm' }],
    });
  });

  it('the queue drops them, counts them as rejected, and never resends', async () => {
    collector = await startScriptedCollector(() => ({ status: 207, body: rejectedBody }));
    const errors: EdgewiseError[] = [];
    const queue = new EventQueue({
      collectorUrl: collector.url,
      writeKey: 'pk_test',
      batchSize: 2,
      store: new IndexedDbEventStore('per-event-rejections'),
      onError: (e) => errors.push(e),
    });
    await queue.enqueue(event(0));
    await queue.enqueue(event(1));
    await queue.flush();
    await queue.flush();
    // However the queue split the two events into batches, each answer rejected one: none resent.
    const ids = collector.received.flatMap((b) => b.events.map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
    const stats = await queue.stats();
    expect(stats).toMatchObject({ retries: 0, pending: 0, rejected: collector.received.length });
    expect(stats.sent + stats.rejected).toBe(2);
    expect(errors[0]?.message).toMatch(/rejected 1 of [12] events .*events\[1\]\.arm/);
    await queue.close();
  });
});
