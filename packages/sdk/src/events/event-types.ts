export type EventType = 'exposure' | 'prediction' | 'reward';

/** One event as the collector receives it (DESIGN.md, "Formats"). `id` is the idempotency key. */
export interface EdgewiseEvent {
  id: string;
  type: EventType;
  userId: string;
  experiment: string;
  arm: string;
  /** Propensity of the arm when it was assigned. */
  probability: number;
  modelVersion: string;
  value?: number;
  latencyMs?: number;
  /** Epoch milliseconds when the event happened (not when it was sent). */
  ts: number;
}

/** An event before it gets its id and timestamp. */
export type NewEvent = Omit<EdgewiseEvent, 'id' | 'ts'> & { id?: string; ts?: number };
