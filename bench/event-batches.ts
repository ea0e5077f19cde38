// Request bodies for the collector load bench: every event id is a fresh random v4 UUID, as the SDK
// makes them (so inserts land all over the id index, as in production), users recur across batches so the
// per-user rows are read and rewritten as in production, and rewards name an exposure of their batch
// so the per-decision rows are too.
import { randomUUID } from 'node:crypto';
import { eventId } from '../packages/sdk/src/events/event-id.js';

export const BENCH_EXPERIMENT = {
  key: 'bench',
  type: 'ab',
  seed: 1,
  arms: ['a', 'b'].map((name) => ({ name, model: 'm', version: '1.0.0', weight: 1 })),
  // A guardrail makes the monitor read the aggregates after every batch, as it does in production;
  // no crash event is sent, so it never stops an arm mid-run.
  guardrails: [{ metric: 'crash_rate', maxAbsolute: 0.5 }],
};

/** Users the bench draws from: enough that most batches touch users stored by earlier ones. */
const USERS = 20_000;

export class BatchMaker {
  private seq = 0;
  /** Events put into bodies so far: what the run sent, to compare with what was stored. */
  made = 0;

  /**
   * `time`: the SDK's own UUID v7 ids (a millisecond clock first), what it sends. `random`: v4, what
   * it sent before, to show what random keys cost the id indexes (BENCH_ID_ORDER=random).
   */
  constructor(private readonly order: 'random' | 'time' = 'time') {}

  /** Random bytes drawn 64 KiB at a time: one getRandomValues per id was most of building a body. */
  private pool = new Uint8Array(0);
  private used = 0;
  private readonly fill = (bytes: Uint8Array): Uint8Array => {
    if (this.used + bytes.length > this.pool.length) {
      this.pool = crypto.getRandomValues(new Uint8Array(65_536));
      this.used = 0;
    }
    bytes.set(this.pool.subarray(this.used, this.used + bytes.length));
    this.used += bytes.length;
    return bytes;
  };

  private nextId(): string {
    this.seq++;
    return this.order === 'random' ? randomUUID() : eventId(Date.now(), this.fill);
  }

  body(size: number): string {
    const ts = Date.now();
    const events: Record<string, unknown>[] = [];
    let lastExposure: { id: string; userId: string; arm: string } | undefined;
    for (let i = 0; i < size; i++) {
      const id = this.nextId();
      // Every fifth event rewards the exposure just before it (same user and arm); the rest expose.
      if (i % 5 === 4 && lastExposure) {
        events.push({
          id,
          type: 'reward',
          userId: lastExposure.userId,
          experiment: 'bench',
          arm: lastExposure.arm,
          probability: 0.5,
          modelVersion: '1.0.0',
          value: 1,
          exposureId: lastExposure.id,
          ts,
        });
        continue;
      }
      const user = (this.seq * 7919) % USERS;
      const userId = `user-${user}`;
      // Sticky, as assignment is: a user's later exposures name the arm of the first.
      const arm = user % 2 ? 'a' : 'b';
      lastExposure = { id, userId, arm };
      events.push({
        id,
        type: 'exposure',
        userId,
        experiment: 'bench',
        arm,
        probability: 0.5,
        modelVersion: '1.0.0',
        ts,
      });
    }
    this.made += size;
    return JSON.stringify({ events });
  }
}
