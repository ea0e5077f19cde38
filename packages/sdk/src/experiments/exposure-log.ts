import type { Assignment } from './experiment-types.js';
import { defaultKeyValueStore, type KeyValueStore } from './key-value-store.js';

/** What a reward or prediction event must carry to be tied to the exposure it follows. */
export interface ExposureContext {
  userId: string;
  experiment: string;
  arm: string;
  probability: number;
  modelVersion: string;
  policyVersion: string;
}

/**
 * Records exposures once per user per experiment per policy version (across reloads, in IndexedDB) and
 * remembers each user's latest exposure so `model.reward(value)` can be tied to it.
 *
 * @example
 * const log = new ExposureLog();
 * const ctx = await log.record('user-123', assignment);
 * if (ctx.first) await queue.enqueue(exposureEvent(ctx));
 */
export class ExposureLog {
  readonly #store: KeyValueStore;
  /** Same-page calls racing on one key share the first call's answer instead of both logging. */
  readonly #inFlight = new Map<string, Promise<boolean>>();

  constructor(store: KeyValueStore = defaultKeyValueStore('edgewise-exposures')) {
    this.#store = store;
  }

  /**
   * Notes that the user saw the assignment's arm. `first` is true only the first time for this
   * (user, experiment, policy version) — the one time the caller should enqueue an exposure event.
   * `modelVersion` defaults to the arm's version; pass the version actually loaded if it differs.
   */
  async record(
    userId: string,
    assignment: Assignment,
    modelVersion = assignment.version,
  ): Promise<ExposureContext & { first: boolean }> {
    const context: ExposureContext = {
      userId,
      experiment: assignment.experiment,
      arm: assignment.arm,
      probability: assignment.probability,
      modelVersion,
      policyVersion: assignment.policyVersion,
    };
    const seenKey = `seen\u0000${assignment.experiment}\u0000${userId}\u0000${assignment.policyVersion}`;
    let pending = this.#inFlight.get(seenKey);
    if (!pending) {
      pending = this.#markSeen(seenKey).finally(() => this.#inFlight.delete(seenKey));
      this.#inFlight.set(seenKey, pending);
      const first = await pending;
      await this.#store.set(lastKey(assignment.experiment, userId), context);
      return { ...context, first };
    }
    await pending;
    return { ...context, first: false };
  }

  /** The user's latest exposure in this experiment, or undefined if they were never exposed. */
  last(userId: string, experiment: string): Promise<ExposureContext | undefined> {
    return this.#store.get<ExposureContext>(lastKey(experiment, userId));
  }

  async #markSeen(key: string): Promise<boolean> {
    let first = false;
    await this.#store.update<number>(key, (old) => {
      first = old === undefined;
      return old ?? Date.now();
    });
    return first;
  }
}

function lastKey(experiment: string, userId: string): string {
  return `last\u0000${experiment}\u0000${userId}`;
}
