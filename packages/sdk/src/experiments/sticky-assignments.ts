import { chooseArm } from './assign-arm.js';
import type { Assignment, ExperimentConfig, ServerPolicy } from './experiment-types.js';
import { defaultKeyValueStore, type KeyValueStore } from './key-value-store.js';

interface StickyRecord {
  arm: string;
  probability: number;
}

/**
 * Remembers each user's first arm for experiments with `sticky: true`, so a bandit that re-weights
 * does not move people who already saw an arm. The stored arm is dropped (and the user re-assigned)
 * only when it leaves the experiment or its weight falls to 0. Non-sticky experiments pass straight
 * through to `chooseArm`.
 *
 * @example
 * const sticky = new StickyAssignments();
 * const a = await sticky.choose('user-123', experiment);
 */
export class StickyAssignments {
  readonly #store: KeyValueStore;

  constructor(store: KeyValueStore = defaultKeyValueStore('edgewise-assignments')) {
    this.#store = store;
  }

  async choose(userId: string, experiment: ExperimentConfig, policy?: ServerPolicy): Promise<Assignment> {
    const fresh = chooseArm(userId, experiment, policy);
    if (!experiment.sticky || !fresh.inExperiment) return fresh;
    const key = stickyKey(experiment.key, userId);
    const weights = policy?.weights ?? experiment.policyWeights ?? experiment.arms.map((arm) => arm.weight);
    const kept = await this.#store.get<StickyRecord>(key);
    const index = kept ? experiment.arms.findIndex((arm) => arm.name === kept.arm) : -1;
    if (kept && index >= 0 && weights[index]! > 0) {
      const arm = experiment.arms[index]!;
      // The propensity stays the one the user was assigned with: it is what chose their arm.
      const { variant: _fresh, ...rest } = fresh;
      return {
        ...rest,
        arm: arm.name,
        index,
        model: arm.model,
        version: arm.version,
        ...(arm.variant ? { variant: arm.variant } : {}),
        probability: kept.probability,
        sticky: true,
      };
    }
    await this.#store.set(key, { arm: fresh.arm, probability: fresh.probability } satisfies StickyRecord);
    return fresh;
  }

  /** Lets the user be re-assigned from the current weights on their next `choose`. */
  forget(userId: string, experimentKey: string): Promise<void> {
    return this.#store.del(stickyKey(experimentKey, userId));
  }
}

function stickyKey(experimentKey: string, userId: string): string {
  return `sticky\u0000${experimentKey}\u0000${userId}`;
}
