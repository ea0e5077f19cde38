import type { Attributes, DeviceClass, Holdout } from '@edgewise/protocol';

// The served experiment format lives in @edgewise/protocol (packages/protocol/src/experiment.ts).
export type {
  ArmStop,
  Attributes,
  AttributeValue,
  BanditPolicyName,
  Condition,
  ExperimentArm,
  ExperimentConfig,
  ExperimentType,
  Holdout,
  NamespaceRange,
} from '@edgewise/protocol';

/** The server's current bandit policy for one experiment, when it is fetched apart from the config. */
export interface ServerPolicy {
  /** Index-aligned with the experiment's arms. */
  weights: readonly number[];
  policyVersion: number | string;
}

/**
 * Why a user is where they are, checked in this order: the experiment is `stopped`; the global
 * `holdout` has them; they are outside the experiment's `namespace` range; its `condition` rejects
 * their attributes; they are outside `coverage`; else `assigned` — unless an A/B arm they hash into
 * is stopped (`stopped` again). Anything but `assigned` means control, not logged.
 */
export type AssignReason = 'assigned' | 'holdout' | 'namespace' | 'condition' | 'coverage' | 'stopped';

/** What an assignment may depend on besides the user and the experiment. */
export interface AssignOptions {
  /** The user's attributes the experiment's condition tests; none means `{}`. */
  attributes?: Attributes;
  /** The global holdout from the experiments list. */
  holdout?: Holdout;
  /** The server's bandit policy, when fetched apart from the config. */
  policy?: ServerPolicy;
  /** This device's class: a contextual experiment assigns from that class's weights. */
  deviceClass?: DeviceClass;
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
  /** A contextual experiment's device class whose weights chose the arm; sent with every event of it. */
  context?: DeviceClass;
  /** False for held-out users (see `reason`): they get arm 0 and no exposure is logged. */
  inExperiment: boolean;
  reason: AssignReason;
  /** True when the arm came from the sticky store rather than from the current weights. */
  sticky: boolean;
}
