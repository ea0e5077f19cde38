export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF, parseRetryAfter } from './backoff.js';
export { checkEvent } from './check-event.js';
export {
  createEvent,
  exposureEvent,
  type HealthDetails,
  healthEvent,
  predictionEvent,
  rewardEvent,
} from './create-event.js';
export { eventId } from './event-id.js';
export { EventQueue } from './event-queue.js';
export type { EventQueueOptions, EventQueueStats, FlushResult, Timers } from './event-queue-options.js';
export { type AppendResult, type EventStore, MemoryEventStore, type StoredEvent } from './event-store.js';
export type { EdgewiseEvent, EventType, NewEvent } from './event-types.js';
export { IndexedDbEventStore } from './indexeddb-event-store.js';
export { postBatch, type SendOutcome } from './transport.js';
