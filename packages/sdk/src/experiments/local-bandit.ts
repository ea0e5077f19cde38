import { EdgewiseError } from '../errors.js';
import type { ArmAssignment, BanditPolicyName, ExperimentConfig } from './experiment-types.js';
import { defaultKeyValueStore, type KeyValueStore } from './key-value-store.js';
import {
  type ArmStats,
  addReward,
  checkReward,
  epsilonGreedyChoice,
  type LocalChoice,
  thompsonChoice,
  ucb1Choice,
} from './local-policies.js';
import type { RandomSource } from './seeded-random.js';

export interface LocalBanditOptions {
  /** Default: the experiment's `policy`, else 'thompson'. */
  policy?: BanditPolicyName;
  /** Exploration rate for epsilon-greedy. Default 0.1. */
  epsilon?: number;
  store?: KeyValueStore;
  random?: RandomSource;
}

/** Arm stats by arm name, so adding or removing an arm keeps the others' history. */
type StoredState = Record<string, ArmStats>;

/**
 * A bandit that learns entirely on the device — for offline PWAs that cannot reach the server's
 * policy. State lives in IndexedDB (one record per experiment) and survives reloads.
 *
 * @example
 * const bandit = await LocalBandit.open(experiment, { policy: 'epsilon-greedy', epsilon: 0.1 });
 * const { arm, probability } = bandit.choose();
 * await bandit.reward(arm, clicked ? 1 : 0);
 */
export class LocalBandit {
  readonly #experiment: ExperimentConfig;
  readonly #policy: BanditPolicyName;
  readonly #epsilon: number;
  readonly #store: KeyValueStore;
  readonly #random: RandomSource;
  #arms: ArmStats[];

  private constructor(
    experiment: ExperimentConfig,
    options: Required<LocalBanditOptions>,
    state: StoredState,
  ) {
    this.#experiment = experiment;
    this.#policy = options.policy;
    this.#epsilon = options.epsilon;
    this.#store = options.store;
    this.#random = options.random;
    this.#arms = this.#fromState(state);
  }

  static async open(experiment: ExperimentConfig, options: LocalBanditOptions = {}): Promise<LocalBandit> {
    const resolved: Required<LocalBanditOptions> = {
      policy: options.policy ?? experiment.policy ?? 'thompson',
      epsilon: options.epsilon ?? 0.1,
      store: options.store ?? defaultKeyValueStore('edgewise-local-bandits'),
      random: options.random ?? Math.random,
    };
    const state = (await resolved.store.get<StoredState>(stateKey(experiment.key))) ?? {};
    return new LocalBandit(experiment, resolved, state);
  }

  /** Picks an arm from the current state; the probability is this policy's propensity for it. */
  choose(): ArmAssignment {
    let choice: LocalChoice;
    if (this.#policy === 'epsilon-greedy')
      choice = epsilonGreedyChoice(this.#arms, this.#epsilon, this.#random);
    else if (this.#policy === 'ucb1') choice = ucb1Choice(this.#arms);
    else choice = thompsonChoice(this.#arms, this.#random);
    return { arm: this.#experiment.arms[choice.index]!.name, ...choice };
  }

  /** Counts a reward for an arm and persists it; merged with the stored state so other tabs' rewards stay. */
  async reward(arm: string, value: number): Promise<void> {
    const index = this.#experiment.arms.findIndex((a) => a.name === arm);
    if (index < 0) {
      throw new EdgewiseError(
        'EXPERIMENT_NOT_FOUND',
        `experiment "${this.#experiment.key}" has no arm "${arm}"; reward an arm that choose() returned.`,
      );
    }
    checkReward(value, this.#policy);
    let merged: StoredState = {};
    await this.#store.update<StoredState>(stateKey(this.#experiment.key), (old) => {
      const current = old?.[arm] ?? { pulls: 0, rewardSum: 0 };
      merged = { ...old, [arm]: addReward(current, value, this.#policy) };
      return merged;
    });
    this.#arms = this.#fromState(merged);
  }

  /** Pulls and reward sums per arm, in arm order. */
  stats(): readonly ArmStats[] {
    return this.#arms.map((a) => ({ ...a }));
  }

  #fromState(state: StoredState): ArmStats[] {
    return this.#experiment.arms.map((arm) => ({ ...(state[arm.name] ?? { pulls: 0, rewardSum: 0 }) }));
  }
}

function stateKey(experimentKey: string): string {
  return `bandit\u0000${experimentKey}`;
}
