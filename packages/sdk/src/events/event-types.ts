import type { EdgewiseEvent as WireEvent } from '@edgewise/protocol';

export type { EventType, HealthEventType } from '@edgewise/protocol';

/**
 * One event as this SDK sends it: the protocol's event (see packages/protocol), with `ts` always
 * epoch milliseconds, since the SDK stamps it with `Date.now()`. `id` is the idempotency key.
 */
export interface EdgewiseEvent extends Omit<WireEvent, 'ts'> {
  /** Epoch milliseconds when the event happened (not when it was sent). */
  ts: number;
}

/** An event before it gets its id and timestamp. */
export type NewEvent = Omit<EdgewiseEvent, 'id' | 'ts'> & { id?: string; ts?: number };
