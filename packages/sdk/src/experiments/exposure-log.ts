import type { DeviceClass } from '@edgewise/protocol';
import { eventId } from '../events/event-id.js';
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
  /** The manifest variant the arm runs; undefined for the version's own file. */
  variant?: string;
  /**
   * The decision: the exposure event's id, which predictions and rewards carry as `exposureId`.
   * Undefined only for exposures logged before decisions had ids.
   */
  exposureId?: string;
  /** A contextual experiment's device class. */
  context?: DeviceClass;
}

/** What the log keeps per (experiment, user, policy version): when first seen, and the decision's id. */
interface Seen {
  at: number;
  exposureId: string;
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
  readonly #inFlight = new Map<string, Promise<{ first: boolean; exposureId: string | undefined }>>();

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
    variant: string | undefined = undefined,
  ): Promise<ExposureContext & { first: boolean }> {
    const seenKey = `seen\u0000${assignment.experiment}\u0000${userId}\u0000${assignment.policyVersion}`;
    let pending = this.#inFlight.get(seenKey);
    const leader = !pending;
    if (!pending) {
      pending = this.#markSeen(seenKey).finally(() => this.#inFlight.delete(seenKey));
      this.#inFlight.set(seenKey, pending);
    }
    const { first, exposureId } = await pending;
    const context: ExposureContext = {
      ...exposureContext(userId, assignment, modelVersion, variant),
      ...(exposureId ? { exposureId } : {}),
    };
    if (leader) await this.#store.set(lastKey(assignment.experiment, userId), context);
    return { ...context, first: leader && first };
  }

  /** The user's latest exposure in this experiment, or undefined if they were never exposed. */
  last(userId: string, experiment: string): Promise<ExposureContext | undefined> {
    return this.#store.get<ExposureContext>(lastKey(experiment, userId));
  }

  async #markSeen(key: string): Promise<{ first: boolean; exposureId: string | undefined }> {
    let first = false;
    let exposureId: string | undefined;
    // Older entries are a bare timestamp: that decision had no id, and keeps none.
    await this.#store.update<Seen | number>(key, (old) => {
      first = old === undefined;
      const seen = old ?? { at: Date.now(), exposureId: eventId() };
      exposureId = typeof seen === 'number' ? undefined : seen.exposureId;
      return seen;
    });
    return { first, exposureId };
  }
}

/** What events about this user's assignment carry, before it has a decision id. */
export function exposureContext(
  userId: string,
  assignment: Assignment,
  modelVersion = assignment.version,
  variant = assignment.variant,
): ExposureContext {
  return {
    userId,
    experiment: assignment.experiment,
    arm: assignment.arm,
    probability: assignment.probability,
    modelVersion,
    policyVersion: assignment.policyVersion,
    ...(variant ? { variant } : {}),
    ...(assignment.context ? { context: assignment.context } : {}),
  };
}

function lastKey(experiment: string, userId: string): string {
  return `last\u0000${experiment}\u0000${userId}`;
}
