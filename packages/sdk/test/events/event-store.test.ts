import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createEvent } from '../../src/events/create-event.js';
import { type EventStore, MemoryEventStore } from '../../src/events/event-store.js';
import { IndexedDbEventStore } from '../../src/events/indexeddb-event-store.js';

const event = (n: number) =>
  createEvent({
    type: 'reward',
    userId: `u${n}`,
    experiment: 'e',
    arm: 'a',
    probability: 1,
    modelVersion: '1',
    value: n,
  });

let dbs = 0;
const stores: [string, () => EventStore][] = [
  ['IndexedDB', () => new IndexedDbEventStore(`event-store-test-${++dbs}`)],
  ['memory', () => new MemoryEventStore()],
];

describe.each(stores)('%s event store', (_name, open) => {
  it('returns events oldest first and forgets removed ones', async () => {
    const store = open();
    const events = Array.from({ length: 7 }, (_, i) => event(i));
    for (const e of events) await store.append([e], 100);
    const first = await store.oldest(3);
    expect(first.map((s) => s.event)).toEqual(events.slice(0, 3));
    await store.remove(first.map((s) => s.key));
    expect((await store.oldest(10)).map((s) => s.event)).toEqual(events.slice(3));
    expect(await store.size()).toBe(4);
  });

  it('drops only the oldest events past the cap, and counts them', async () => {
    const store = open();
    const events = Array.from({ length: 12 }, (_, i) => event(i));
    const results = [];
    for (const e of events) results.push(await store.append([e], 5));
    expect(results.map((r) => r.dropped)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    expect(results.at(-1)?.size).toBe(5);
    expect((await store.oldest(10)).map((s) => s.event)).toEqual(events.slice(7));
    expect(await store.droppedCount()).toBe(7);
  });
});

describe('IndexedDB event store', () => {
  it('keeps events and the dropped count across page loads (new store, same database)', async () => {
    const before = new IndexedDbEventStore('event-store-reload');
    for (let i = 0; i < 4; i++) await before.append([event(i)], 3);
    const after = new IndexedDbEventStore('event-store-reload');
    expect((await after.oldest(10)).map((s) => s.event.value)).toEqual([1, 2, 3]);
    expect(await after.droppedCount()).toBe(1);
  });
});
