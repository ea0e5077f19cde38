import { EdgewiseError } from '../errors.js';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import { checkEvent } from './check-event.js';
import type { EventQueueOptions, EventQueueStats, FlushResult, Timers } from './event-queue-options.js';
import { type EventStore, MemoryEventStore, type StoredEvent } from './event-store.js';
import type { EdgewiseEvent } from './event-types.js';
import { IndexedDbEventStore } from './indexeddb-event-store.js';
import { onPageLifecycle } from './page-lifecycle.js';
import { beaconBatch, postBatch } from './transport.js';

// Chrome refuses keepalive bodies once a page has more than 64 KiB of them in flight.
const EXIT_BUDGET_BYTES = 60_000;
const encoder = new TextEncoder();

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new EdgewiseError('CONFIG', `EventQueue: ${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

/**
 * A durable, bounded queue that delivers events at least once: each event is stored (IndexedDB)
 * before `enqueue` resolves and removed only after the collector answers 2xx, so offline periods,
 * failed requests and reloads only delay it. The collector dedupes by `id`, which turns at-least-once
 * delivery into exactly-once counting.
 *
 * @example
 * const queue = new EventQueue({ collectorUrl: '/v1/events', writeKey: 'pk_live_…' });
 * await queue.enqueue(rewardEvent(context, 1));
 * await queue.flush();
 */
export class EventQueue {
  readonly #url: string;
  readonly #writeKey: string | undefined;
  readonly #batchSize: number;
  readonly #interval: number;
  readonly #cap: number;
  readonly #backoff: BackoffOptions;
  readonly #timeoutMs: number;
  readonly #exitTransport: 'keepalive' | 'beacon';
  readonly #store: EventStore;
  readonly #fetch: typeof fetch | undefined;
  readonly #random: () => number;
  readonly #timers: Timers;
  readonly #onError: (error: EdgewiseError) => void;
  readonly #detach: () => void;

  #attempt = 0;
  #timer: unknown;
  #timerKind: 'batch' | 'retry' | undefined;
  #running: Promise<FlushResult> | undefined;
  #queued: Promise<FlushResult> | undefined;
  #queuedMode: 'all' | 'full' = 'all';
  #closing = false;
  /** Events known to be unsent, for the synchronous send when the page goes away. */
  readonly #unsent = new Map<string, StoredEvent>();
  readonly #exitInFlight = new Set<string>();
  readonly #counts = { enqueued: 0, sent: 0, retries: 0, rejected: 0 };
  #lastError: string | undefined;

  constructor(options: EventQueueOptions) {
    if (typeof options.collectorUrl !== 'string' || options.collectorUrl.length === 0) {
      throw new EdgewiseError('CONFIG', 'EventQueue: collectorUrl is required, e.g. "/v1/events".');
    }
    this.#url = options.collectorUrl;
    this.#writeKey = options.writeKey;
    this.#batchSize = positiveInteger(options.batchSize ?? 50, 'batchSize');
    this.#interval = Math.max(0, options.flushIntervalMs ?? 1_000);
    this.#cap = positiveInteger(options.maxQueueSize ?? 10_000, 'maxQueueSize');
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#exitTransport = options.exitTransport ?? 'keepalive';
    this.#store =
      options.store ??
      (typeof indexedDB === 'undefined' ? new MemoryEventStore() : new IndexedDbEventStore());
    this.#fetch = options.fetch;
    this.#random = options.random ?? Math.random;
    this.#timers = options.timers ?? {
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    this.#onError = options.onError ?? (() => {});
    this.#detach =
      options.listenToPage === false
        ? () => {}
        : onPageLifecycle({
            exit: () => this.#flushOnExit(),
            online: () => {
              this.#attempt = 0;
              void this.#autoFlush();
            },
          });
    // Deliver what earlier page loads left behind.
    this.#arm('batch', 0);
  }

  /**
   * Stores the event durably, then schedules its delivery. Resolves once it would survive a reload.
   * Rejects with CONFIG, storing nothing, an event the collector would refuse (see `checkEvent`).
   */
  async enqueue(event: EdgewiseEvent): Promise<void> {
    if (this.#closing) {
      throw new EdgewiseError('DISPOSED', 'EventQueue is closed; create a new one to send more events.');
    }
    checkEvent(event);
    const { stored, dropped, size } = await this.#store.append([event], this.#cap);
    this.#counts.enqueued++;
    for (const entry of stored) this.#remember(entry);
    if (dropped > 0) {
      this.#onError(
        new EdgewiseError(
          'QUOTA',
          `EventQueue: ${dropped} oldest unsent event(s) dropped to stay within maxQueueSize ${this.#cap}; the collector has been unreachable for long, or raise maxQueueSize.`,
          { details: { dropped } },
        ),
      );
    }
    if (this.#timerKind === 'retry') return; // a failing collector is not hammered by new events
    if (size >= this.#batchSize) void this.#autoFlush('full');
    else if (this.#timer === undefined) this.#arm('batch', this.#interval);
  }

  /**
   * Sends everything pending now, batch by batch, until the queue is empty or a send fails (the
   * retry is then scheduled with backoff). Concurrent calls share one run.
   */
  flush(): Promise<FlushResult> {
    return this.#startDrain('all');
  }

  /** 'full' sends only full batches (a batch filled up); 'all' also sends the partial rest. */
  #startDrain(mode: 'all' | 'full'): Promise<FlushResult> {
    if (mode === 'all') this.#queuedMode = 'all';
    if (this.#queued) return this.#queued;
    this.#queuedMode = mode;
    const previous = this.#running ?? Promise.resolve();
    const run: Promise<FlushResult> = previous
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        this.#running = run;
        return this.#drain(this.#queuedMode);
      })
      .finally(() => {
        if (this.#running === run) this.#running = undefined;
      });
    this.#queued = run;
    return run;
  }

  /** Tries one last flush, then stops timers and listeners. Unsent events stay stored for the next load. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#detach();
    try {
      await this.flush();
    } finally {
      this.#clearTimer();
    }
  }

  async stats(): Promise<EventQueueStats> {
    const [pending, dropped] = await Promise.all([this.#store.size(), this.#store.droppedCount()]);
    const stats: EventQueueStats = { ...this.#counts, dropped, pending };
    if (this.#lastError !== undefined) stats.lastError = this.#lastError;
    return stats;
  }

  async #drain(mode: 'all' | 'full'): Promise<FlushResult> {
    if (mode === 'all') this.#clearTimer();
    let sent = 0;
    let rejected = 0;
    for (;;) {
      if (typeof navigator !== 'undefined' && navigator.onLine === false) {
        // The `online` listener restarts us; the timer covers browsers whose onLine is wrong.
        if (!this.#closing) this.#arm('retry', this.#backoff.maxMs);
        return { sent, rejected, pending: await this.#store.size(), offline: true };
      }
      const batch = await this.#store.oldest(this.#batchSize);
      if (batch.length === 0) {
        this.#attempt = 0;
        return { sent, rejected, pending: 0 };
      }
      if (mode === 'full' && batch.length < this.#batchSize) {
        // The partial rest waits for its interval timer to fill up a little more.
        if (this.#timer === undefined && !this.#closing) this.#arm('batch', this.#interval);
        return { sent, rejected, pending: batch.length };
      }
      for (const entry of batch) this.#remember(entry);
      const outcome = await postBatch(
        batch.map((entry) => entry.event),
        this.#transport(false),
      );
      if (outcome.kind === 'retry') {
        this.#counts.retries++;
        this.#lastError = outcome.reason;
        const delay = Math.max(
          backoffDelay(this.#attempt, this.#backoff, this.#random),
          outcome.retryAfterMs ?? 0,
        );
        this.#attempt++;
        if (!this.#closing) this.#arm('retry', delay);
        return { sent, rejected, pending: await this.#store.size(), retryInMs: delay };
      }
      await this.#acknowledge(batch);
      this.#attempt = 0;
      if (outcome.kind === 'stored') {
        // Per-event rejections are final (resending cannot help): counted as rejected, not sent.
        const dropped = Math.min(outcome.rejected?.length ?? 0, batch.length);
        sent += batch.length - dropped;
        this.#counts.sent += batch.length - dropped;
        if (dropped > 0) {
          rejected += dropped;
          this.#counts.rejected += dropped;
          const first = outcome.rejected?.[0];
          this.#lastError = `${first?.field}: ${first?.reason}`;
          this.#onError(
            new EdgewiseError(
              'NETWORK',
              `EventQueue: the collector rejected ${dropped} of ${batch.length} events (first: ${this.#lastError}); they were dropped, the rest stored.`,
              { details: { status: outcome.status, dropped } },
            ),
          );
        }
      } else {
        rejected += batch.length;
        this.#counts.rejected += batch.length;
        this.#lastError = outcome.reason;
        this.#onError(
          new EdgewiseError(
            'NETWORK',
            `EventQueue: the collector rejected a batch of ${batch.length} events (${outcome.reason}); they were dropped. Check the writeKey and that events come from createEvent().`,
            { details: { status: outcome.status, dropped: batch.length } },
          ),
        );
      }
    }
  }

  /** Synchronous by necessity: after pagehide there is no later turn to read IndexedDB in. */
  #flushOnExit(): void {
    const picked: StoredEvent[] = [];
    let bytes = 12;
    for (const entry of this.#unsent.values()) {
      if (this.#exitInFlight.has(entry.event.id)) continue;
      const size = encoder.encode(JSON.stringify(entry.event)).length + 1;
      if (bytes + size > EXIT_BUDGET_BYTES) break;
      bytes += size;
      picked.push(entry);
    }
    if (picked.length === 0) return;
    const events = picked.map((entry) => entry.event);
    // visibilitychange and pagehide both fire on the way out; the second must not send the same events.
    for (const event of events) this.#exitInFlight.add(event.id);
    if (this.#exitTransport === 'beacon') {
      // A beacon's fate is unknown: the events stay stored (and marked until a normal send acknowledges
      // them); if the page dies, the next load resends them and the collector dedupes.
      beaconBatch(events, { url: this.#url, ...(this.#writeKey ? { writeKey: this.#writeKey } : {}) });
      return;
    }
    postBatch(events, this.#transport(true))
      .then(async (outcome) => {
        // Only reached if the page lived on (e.g. it was merely hidden).
        if (outcome.kind === 'stored') {
          await this.#acknowledge(picked);
          this.#counts.sent += picked.length;
        }
      })
      .catch((error) => this.#report(error))
      .finally(() => {
        for (const event of events) this.#exitInFlight.delete(event.id);
      });
  }

  async #acknowledge(entries: readonly StoredEvent[]): Promise<void> {
    await this.#store.remove(entries.map((entry) => entry.key));
    for (const entry of entries) {
      this.#unsent.delete(entry.event.id);
      this.#exitInFlight.delete(entry.event.id);
    }
  }

  #remember(entry: StoredEvent): void {
    this.#unsent.set(entry.event.id, entry);
    if (this.#unsent.size > this.#cap) {
      const oldest = this.#unsent.keys().next().value;
      if (oldest !== undefined) this.#unsent.delete(oldest);
    }
  }

  #transport(keepalive: boolean) {
    return {
      url: this.#url,
      timeoutMs: this.#timeoutMs,
      keepalive,
      ...(this.#writeKey ? { writeKey: this.#writeKey } : {}),
      ...(this.#fetch ? { fetch: this.#fetch } : {}),
    };
  }

  #autoFlush(mode: 'all' | 'full' = 'all'): Promise<unknown> {
    if (this.#closing) return Promise.resolve();
    return this.#startDrain(mode).catch((error) => {
      this.#report(error);
      // Storage failed mid-flush; try again later rather than stall until the next enqueue.
      if (!this.#closing) this.#arm('retry', backoffDelay(this.#attempt++, this.#backoff, this.#random));
    });
  }

  #report(error: unknown): void {
    const wrapped =
      error instanceof EdgewiseError
        ? error
        : new EdgewiseError(
            'INTERNAL',
            `EventQueue: ${error instanceof Error ? error.message : String(error)}`,
            {
              cause: error,
            },
          );
    this.#lastError = wrapped.message;
    this.#onError(wrapped);
  }

  #arm(kind: 'batch' | 'retry', ms: number): void {
    this.#clearTimer();
    this.#timerKind = kind;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#timerKind = undefined;
      return this.#autoFlush();
    }, ms);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerKind = undefined;
  }
}
