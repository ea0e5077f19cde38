import { chooseArm, effectiveWeights, optionsOf } from './assign-arm.js';
import type { Assignment, AssignOptions, ExperimentConfig, ServerPolicy } from './experiment-types.js';
import { defaultKeyValueStore, type KeyValueStore } from './key-value-store.js';

interface StickyRecord {
  arm: string;
  probability: number;
}

/**
 * Remembers each user's first arm for experiments with `sticky: true`, so a bandit that re-weights
 * does not move people who already saw an arm. Stickiness only chooses among arms the user may get
 * now: a user the experiment's stop, the holdout, its namespace, condition or coverage excludes runs
 * control whatever they had, and a kept arm that left the experiment, was stopped or fell to weight 0
 * is dropped (the user is re-assigned). Non-sticky experiments pass straight through to `chooseArm`.
 *
 * @example
 * const sticky = new StickyAssignments();
 * const a = await sticky.choose('user-123', experiment, { attributes: { country: 'DE' } });
 */
export class StickyAssignments {
  readonly #store: KeyValueStore;

  constructor(store: KeyValueStore = defaultKeyValueStore('edgewise-assignments')) {
    this.#store = store;
  }

  async choose(
    userId: string,
    experiment: ExperimentConfig,
    options?: AssignOptions | ServerPolicy,
  ): Promise<Assignment> {
    const fresh = chooseArm(userId, experiment, options);
    // An A/B user whose fresh arm is stopped may still keep another arm they were given before.
    const armStopped = fresh.reason === 'stopped' && !experiment.stopped;
    if (!experiment.sticky || !(fresh.inExperiment || armStopped)) return fresh;
    const key = stickyKey(experiment.key, userId);
    const { policy, deviceClass } = optionsOf(options);
    const weights = effectiveWeights(experiment, policy, deviceClass);
    const kept = await this.#store.get<StickyRecord>(key);
    const index = kept ? experiment.arms.findIndex((arm) => arm.name === kept.arm) : -1;
    if (kept && index >= 0 && weights[index]! > 0 && !experiment.arms[index]!.stopped) {
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
        inExperiment: true,
        reason: 'assigned',
        sticky: true,
      };
    }
    if (!fresh.inExperiment) return fresh;
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
