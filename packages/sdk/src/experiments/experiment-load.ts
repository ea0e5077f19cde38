import { isEdgewiseError } from '../errors.js';
import { exposureEvent, ineligibleEvent, predictionEvent, rewardEvent } from '../events/create-event.js';
import type { EventQueue } from '../events/event-queue.js';
import type { Model } from '../model.js';
import { controlArm } from './assign-arm.js';
import { checkRewardValue } from './experiment-config.js';
import type { Assignment, Attributes, ExperimentConfig, Holdout } from './experiment-types.js';
import { type ExposureContext, type ExposureLog, exposureContext } from './exposure-log.js';
import type { StickyAssignments } from './sticky-assignments.js';

/** What a model loaded under an experiment reports and sends. */
export interface ModelHooks {
  experiment?: string;
  arm?: string;
  onReward?: (value: number) => Promise<void>;
  onPrediction?: (latencyMs: number) => void;
}

export interface ExperimentLoad {
  userId: string;
  /** What the experiment's condition tests; none means `{}`. */
  attributes?: Attributes;
  /** The global holdout served with the experiments. */
  holdout?: Holdout;
  config: ExperimentConfig;
  assignments: StickyAssignments;
  exposures: ExposureLog;
  /** Absent without a collectorUrl: then nothing is sent, and rewards say so. */
  queue: EventQueue | undefined;
  /** Places the arm's model (its version, exactly its variant) with these hooks. */
  open(arm: Assignment, hooks: ModelHooks): Promise<Model>;
  /** Throws CONFIG: a reward was asked for and there is no collector to send it to. */
  requireQueue(): EventQueue;
}

/** Failures of this device, not of the model or the request: its user cannot run that arm here. */
function cannotRunHere(error: unknown): boolean {
  return isEdgewiseError(error) && (error.code === 'BACKEND_UNAVAILABLE' || error.code === 'MODEL_FORMAT');
}

/**
 * Loads the user's arm: exactly the arm's variant, on the best backend that can run it; then logs the
 * exposure (the decision, once per user and policy version). A user the experiment keeps out (its
 * stop, the holdout, its namespace, condition or coverage), or whose device cannot run the arm's
 * variant, runs control and is not exposed; the latter sends an
 * `ineligible` event saying why, so a variant that fails on many devices shows in the results.
 */
export async function loadInExperiment(x: ExperimentLoad): Promise<Model> {
  const assignment = await x.assignments.choose(x.userId, x.config, {
    ...(x.attributes ? { attributes: x.attributes } : {}),
    ...(x.holdout ? { holdout: x.holdout } : {}),
  });
  const control = controlArm(x.config, undefined, assignment.reason);
  // Outside the experiment: control's files, nothing logged, rewards recorded nowhere.
  const outside: ModelHooks = { onReward: async () => {} };
  if (!assignment.inExperiment) return x.open(control, outside);

  let decision: ExposureContext | undefined;
  let model: Model;
  try {
    model = await x.open(assignment, {
      experiment: x.config.key,
      arm: assignment.arm,
      // The model holds its own decision: a reward follows the exposure this model was loaded under.
      onReward: async (value) => {
        checkRewardValue(x.config, value);
        const queue = x.requireQueue();
        if (decision) await queue.enqueue(rewardEvent(decision, value));
      },
      onPrediction: (latencyMs) => {
        if (decision) void x.queue?.enqueue(predictionEvent(decision, latencyMs));
      },
    });
  } catch (error) {
    if (!cannotRunHere(error) || assignment.index === 0) throw error;
    await x.queue?.enqueue(ineligibleEvent(exposureContext(x.userId, assignment), (error as Error).message));
    return x.open(control, outside);
  }
  const recorded = await x.exposures.record(x.userId, assignment, model.version, model.describe().variant);
  decision = recorded;
  if (recorded.first) await x.queue?.enqueue(exposureEvent(recorded));
  return model;
}
