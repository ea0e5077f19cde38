import type { DeviceClass } from '@edgewise/protocol';
import type { MonitorOptions } from '../edgewise-config.js';
import { isEdgewiseError } from '../errors.js';
import {
  exposureEvent,
  type HealthDetails,
  healthEvent,
  ineligibleEvent,
  predictionEvent,
  rewardEvent,
  summaryEvent,
} from '../events/create-event.js';
import type { EventQueue } from '../events/event-queue.js';
import type { HealthEventType } from '../events/event-types.js';
import type { Model, PredictionObserver } from '../model.js';
import { checkMonitor } from '../monitoring/check-monitor.js';
import { summaryObserver } from '../monitoring/summary-observer.js';
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
  onPredictError?: (error: unknown) => void;
  /** Health the facade sees for this model: fallbacks, worker crashes, a lost GPU. */
  onHealth?: (type: HealthEventType, details: HealthDetails) => void;
  /** Model monitoring: reads each prediction's inputs and outputs into summaries. */
  observer?: PredictionObserver;
}

export interface ExperimentLoad {
  userId: string;
  /** What the experiment's condition tests; none means `{}`. */
  attributes?: Attributes;
  /** The global holdout served with the experiments. */
  holdout?: Holdout;
  /** This device's class, which a contextual experiment assigns by. */
  deviceClass?: DeviceClass;
  config: ExperimentConfig;
  assignments: StickyAssignments;
  exposures: ExposureLog;
  /** Absent without a collectorUrl: then nothing is sent, and rewards say so. */
  queue: EventQueue | undefined;
  /** Places the arm's model (its version, exactly its variant) with these hooks. */
  open(arm: Assignment, hooks: ModelHooks): Promise<Model>;
  /** Throws CONFIG: a reward was asked for and there is no collector to send it to. */
  requireQueue(): EventQueue;
  /** Share of prediction events sent, in (0, 1]; health failures are always sent. Default 1. */
  predictionSampleRate?: number;
  /** Source of randomness for sampling (tests pin it). Default Math.random. */
  random?: () => number;
  /** Summaries of the arm's predictions to send: the load option, checked here (CONFIG). */
  monitor?: MonitorOptions;
}

/** Failures of this device, not of the model or the request: its user cannot run that arm here. */
function cannotRunHere(error: unknown): boolean {
  return isEdgewiseError(error) && (error.code === 'BACKEND_UNAVAILABLE' || error.code === 'MODEL_FORMAT');
}

/** The user's arm as a load would choose it now: what a refresh compares a loaded model against. */
export function chooseFor(
  x: Pick<ExperimentLoad, 'userId' | 'config' | 'assignments' | 'attributes' | 'holdout' | 'deviceClass'>,
): Promise<Assignment> {
  return x.assignments.choose(x.userId, x.config, {
    ...(x.attributes ? { attributes: x.attributes } : {}),
    ...(x.holdout ? { holdout: x.holdout } : {}),
    ...(x.deviceClass ? { deviceClass: x.deviceClass } : {}),
  });
}

/**
 * Loads the user's arm: exactly the arm's variant, on the best backend that can run it; then logs the
 * exposure (the decision, once per user and policy version). A user the experiment keeps out (its
 * stop, the holdout, its namespace, condition or coverage), or whose device cannot run the arm's
 * variant, runs control and is not exposed; the latter sends an
 * `ineligible` event saying why, so a variant that fails on many devices shows in the results.
 */
export async function loadInExperiment(x: ExperimentLoad): Promise<Model> {
  const monitor = x.monitor ? checkMonitor(x.monitor) : undefined;
  const assignment = await chooseFor(x);
  const control = controlArm(x.config, undefined, assignment.reason);
  // Outside the experiment: control's files, nothing logged, rewards recorded nowhere.
  const outside: ModelHooks = { onReward: async () => {} };
  if (!assignment.inExperiment) return x.open(control, outside);

  let decision: ExposureContext | undefined;
  // Before the exposure is logged (a failure while loading) health still counts for the arm.
  const context = () => decision ?? exposureContext(x.userId, assignment);
  const report = (type: HealthEventType, details: HealthDetails = {}) => {
    void x.queue?.enqueue(healthEvent(context(), type, details)).catch(() => undefined);
  };
  const rate = x.predictionSampleRate ?? 1;
  const random = x.random ?? Math.random;
  let model: Model;
  const started = performance.now();
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
        if (decision && (rate >= 1 || random() < rate))
          void x.queue?.enqueue(predictionEvent(decision, latencyMs, rate)).catch(() => undefined);
      },
      onPredictError: (error) => report('error', errorDetails(error)),
      onHealth: report,
      ...(monitor
        ? {
            observer: summaryObserver(monitor, (summary) => {
              if (decision) void x.queue?.enqueue(summaryEvent(decision, summary)).catch(() => undefined);
            }),
          }
        : {}),
    });
  } catch (error) {
    if (isEdgewiseError(error) && error.code === 'INTEGRITY') report('integrity', errorDetails(error));
    if (!cannotRunHere(error) || assignment.index === 0) throw error;
    await x.queue?.enqueue(ineligibleEvent(exposureContext(x.userId, assignment), (error as Error).message));
    return x.open(control, outside);
  }
  const loadMs = performance.now() - started;
  const recorded = await x.exposures.record(x.userId, assignment, model.version, model.describe().variant);
  decision = recorded;
  if (recorded.first) await x.queue?.enqueue(exposureEvent(recorded));
  report('load', { latencyMs: loadMs });
  return model;
}

/** The code and message of a failure, as a health event carries them. */
function errorDetails(error: unknown): HealthDetails {
  return {
    code: isEdgewiseError(error) ? error.code : 'INTERNAL',
    reason: error instanceof Error ? error.message : String(error),
  };
}
