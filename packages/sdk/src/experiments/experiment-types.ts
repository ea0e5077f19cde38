export type ExperimentType = 'ab' | 'bandit';
export type BanditPolicyName = 'thompson' | 'ucb1' | 'epsilon-greedy';

/** One arm: which model version users in it get, and its share of traffic. */
export interface ExperimentArm {
  name: string;
  model: string;
  version: string;
  /** Relative weight (any non-negative scale); shares are weight / sum of weights. */
  weight: number;
}

/**
 * An experiment as `GET /v1/experiments` serves it (see DESIGN.md, "Formats").
 *
 * @example
 * const exp: ExperimentConfig = {
 *   key: 'iris-int8-vs-fp32', type: 'ab', seed: 7, policyVersion: 1,
 *   arms: [{ name: 'fp32', model: 'iris', version: '1.0.0', weight: 1 },
 *          { name: 'int8', model: 'iris', version: '1.1.0', weight: 1 }],
 * };
 */
export interface ExperimentConfig {
  key: string;
  type: ExperimentType;
  /** Integer or string; part of the hashed text, so changing it reshuffles every user. */
  seed: number | string;
  arms: ExperimentArm[];
  policy?: BanditPolicyName;
  policyVersion: number | string;
  /** Bandit weights from the server's last policy run, index-aligned with `arms`; override arm weights. */
  policyWeights?: number[] | null;
  /** Share of users (0..1] who enter the experiment; the rest are held out. Default 1. */
  coverage?: number;
  /** Keep a user's first arm (stored in IndexedDB) while a bandit re-weights. Default false. */
  sticky?: boolean;
}

/** The server's current bandit policy for one experiment, when it is fetched apart from the config. */
export interface ServerPolicy {
  /** Index-aligned with the experiment's arms. */
  weights: readonly number[];
  policyVersion: number | string;
}

/** Where a user landed. `probability` is the propensity to log with every event of this exposure. */
export interface ArmAssignment {
  arm: string;
  index: number;
  /** Probability that this user's hash lands in this arm given that they are in the experiment. */
  probability: number;
}

/** An arm choice with everything needed to load the model and log the exposure. */
export interface Assignment extends ArmAssignment {
  experiment: string;
  model: string;
  version: string;
  policyVersion: string;
  /** False for held-out users (outside `coverage`): they get arm 0 and no exposure is logged. */
  inExperiment: boolean;
  /** True when the arm came from the sticky store rather than from the current weights. */
  sticky: boolean;
}
