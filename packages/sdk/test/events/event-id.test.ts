import { UUID_PATTERN } from '@edgewise/protocol';
import { describe, expect, it } from 'vitest';
import { eventId } from '../../src/events/event-id.js';

describe('eventId', () => {
  it('is a UUID version 7 carrying its millisecond, variant 10', () => {
    const at = Date.UTC(2026, 11, 3, 18, 0, 0, 123);
    const id = eventId(at);
    expect(id).toMatch(new RegExp(UUID_PATTERN));
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by time across milliseconds, and is random within one', () => {
    const ids = Array.from({ length: 50 }, (_, i) => eventId(1_700_000_000_000 + i * 7));
    expect([...ids].sort()).toEqual(ids);
    const same = new Set(Array.from({ length: 1000 }, () => eventId(1_700_000_000_000)));
    expect(same.size).toBe(1000);
  });
});
