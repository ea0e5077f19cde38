import type { EventRecord, IngestResult } from './records.js';

/** Commits several batches in one transaction and returns, per batch, how many of its events were new. */
export type CommitGroup = (batches: EventRecord[][]) => number[] | Promise<number[]>;

interface Pending {
  events: EventRecord[];
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

/** One committed group, as metrics see it. */
export interface CommittedGroup {
  batches: number;
  events: number;
  seconds: number;
}

/** What ingest's group commit shows of itself: its queue, and each group it commits. */
export interface IngestCommits {
  queued(): { batches: number; events: number };
  /** `observer` is called after each group that commits (not one that fails). One observer. */
  observe(observer: (group: CommittedGroup) => void): void;
}

/** Past this many events a group is cut, so one transaction (and the replies waiting on it) stays short. */
const MAX_GROUP_EVENTS = 5_000;

/**
 * Group commit: batches that arrive while a group is being written wait and go into the next one,
 * so one transaction and one fsync acknowledge all of them; each caller resolves only after the
 * commit that holds its events. One group is in flight at a time: on SQLite there is one writer
 * anyway, and on Postgres every group bumps the same arm rows, so a second one would only wait on
 * their locks. If a group fails it was rolled back whole, and each of its batches is committed on
 * its own, so a bad batch fails alone and the others are stored (once: nothing of the group stayed).
 */
export class GroupCommit implements IngestCommits {
  private readonly queue: Pending[] = [];
  private queuedEvents = 0;
  private busy = false;
  private observer: ((group: CommittedGroup) => void) | undefined;

  constructor(private readonly commit: CommitGroup) {}

  submit(events: EventRecord[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.queuedEvents += events.length;
      this.schedule();
    });
  }

  queued(): { batches: number; events: number } {
    return { batches: this.queue.length, events: this.queuedEvents };
  }

  observe(observer: (group: CommittedGroup) => void): void {
    this.observer = observer;
  }

  // setImmediate, not a microtask: the batches whose requests are already readable join this group.
  private schedule(): void {
    if (this.busy) return;
    this.busy = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    let size = 0;
    let n = 0;
    while (
      n < this.queue.length &&
      (n === 0 || size + (this.queue[n]?.events.length ?? 0) <= MAX_GROUP_EVENTS)
    )
      size += this.queue[n++]?.events.length ?? 0;
    const group = this.queue.splice(0, n);
    this.queuedEvents -= size;
    try {
      await this.commitGroup(group);
    } finally {
      this.busy = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private async commitGroup(group: Pending[]): Promise<void> {
    let accepted: number[];
    const started = performance.now();
    try {
      accepted = await this.commit(group.map((p) => p.events));
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
      for (const p of group) await this.commitGroup([p]);
      return;
    }
    this.observer?.({
      batches: group.length,
      events: group.reduce((sum, p) => sum + p.events.length, 0),
      seconds: (performance.now() - started) / 1000,
    });
    group.forEach((p, i) => {
      const n = accepted[i] ?? 0;
      p.resolve({ accepted: n, duplicates: p.events.length - n });
    });
  }
}
