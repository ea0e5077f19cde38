import type { ArmStop, ExperimentConfig } from '@edgewise/protocol';
import type { ExperimentRecord, StopRecord } from '../storage/records.js';

/** An experiment as clients receive it: the weights to assign with, and the policy version they came from. */
export interface ServedExperiment extends ExperimentConfig {
  policyVersion: number;
  /** The last policy run's weights (index-aligned with arms, already applied to them); null before one. */
  policyWeights: number[] | null;
}

/** A contextual experiment's per-class weights with its stopped arms at 0; null when none run yet. */
function servedContextWeights(
  record: ExperimentRecord,
  stopped: readonly (StopRecord | undefined)[],
): Record<string, number[]> | null {
  if (!record.contextWeights) return null;
  return Object.fromEntries(
    Object.entries(record.contextWeights).map(([name, weights]) => [
      name,
      weights.map((w, i) => (stopped[i] ? 0 : w)),
    ]),
  );
}

const asStop = ({ arm: _arm, ...stop }: StopRecord): ArmStop => stop;

/**
 * Bandits serve their latest policy weights; A/B tests (and bandits before a first run) their
 * configured ones, normalised. A stopped arm says so: a bandit gives it weight 0 (the others
 * renormalised, so traffic moves at the SDK's next refresh); an A/B test keeps its weights, so every
 * other user keeps their arm, and the SDK sends users in the stopped arm's range to control.
 */
export function serveExperiment(record: ExperimentRecord): ServedExperiment {
  const stopOf = new Map(record.stops.map((s) => [s.arm, s]));
  const stopped = record.arms.map((a) => stopOf.get(a.name));
  const raw = (record.policyWeights ?? record.arms.map((a) => a.weight)).map((w, i) =>
    record.type !== 'ab' && stopped[i] ? 0 : w,
  );
  const total = raw.reduce((s, w) => s + w, 0);
  const running = stopped.filter((s) => !s).length;
  const fallback = (i: number) =>
    record.type !== 'ab' && running > 0 ? (stopped[i] ? 0 : 1 / running) : 1 / record.arms.length;
  const whole = stopOf.get(null);
  return {
    key: record.key,
    type: record.type,
    seed: record.seed,
    arms: record.arms.map((arm, i) => {
      const stop = stopped[i];
      return {
        ...arm,
        weight: total > 0 ? (raw[i] ?? 0) / total : fallback(i),
        ...(stop ? { stopped: asStop(stop) } : {}),
      };
    }),
    ...(record.policy ? { policy: record.policy } : {}),
    policyVersion: record.policyVersion,
    policyWeights: record.policyWeights,
    ...(record.type === 'contextual' ? { contextWeights: servedContextWeights(record, stopped) } : {}),
    ...(record.objective === undefined ? {} : { objective: record.objective }),
    // Absent stays absent, so configs of experiments that never set them are unchanged on the wire.
    ...(record.coverage === undefined ? {} : { coverage: record.coverage }),
    ...(record.sticky === undefined ? {} : { sticky: record.sticky }),
    ...(record.reward === undefined ? {} : { reward: record.reward }),
    ...(record.condition === undefined ? {} : { condition: record.condition }),
    ...(record.namespace === undefined ? {} : { namespace: record.namespace }),
    ...(record.guardrails === undefined ? {} : { guardrails: record.guardrails }),
    ...(whole ? { stopped: asStop(whole) } : {}),
  };
}
