// The served experiment format lives in @edgewise/protocol (packages/protocol/src/experiment.ts).
export type {
  BanditPolicyName,
  ExperimentArm,
  ExperimentConfig,
  ExperimentType,
} from '@edgewise/protocol';

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
  /** The manifest variant the arm runs ('int8', 'fp16', …); absent: the file that suits the backend. */
  variant?: string;
  policyVersion: string;
  /** False for held-out users (outside `coverage`): they get arm 0 and no exposure is logged. */
  inExperiment: boolean;
  /** True when the arm came from the sticky store rather than from the current weights. */
  sticky: boolean;
}
