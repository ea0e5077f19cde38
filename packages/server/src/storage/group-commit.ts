import type { EventRecord, IngestResult } from './records.js';

/** Commits several batches in one transaction and returns, per batch, how many of its events were new. */
export type CommitGroup = (batches: EventRecord[][]) => number[] | Promise<number[]>;

interface Pending {
  events: EventRecord[];
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
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
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private busy = false;

  constructor(private readonly commit: CommitGroup) {}

  submit(events: EventRecord[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.schedule();
    });
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
    try {
      await this.commitGroup(group);
    } finally {
      this.busy = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private async commitGroup(group: Pending[]): Promise<void> {
    let accepted: number[];
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
    group.forEach((p, i) => {
      const n = accepted[i] ?? 0;
      p.resolve({ accepted: n, duplicates: p.events.length - n });
    });
  }
}
