import type { ExperimentConfig } from '@edgewise/protocol';
import type { ExperimentRecord } from '../storage/records.js';

/** An experiment as clients receive it: the weights to assign with, and the policy version they came from. */
export interface ServedExperiment extends ExperimentConfig {
  policyVersion: number;
  /** The last policy run's weights (index-aligned with arms, already applied to them); null before one. */
  policyWeights: number[] | null;
}

/** Bandits serve their latest policy weights; A/B tests (and bandits before a first run) their configured ones, normalised. */
export function serveExperiment(record: ExperimentRecord): ServedExperiment {
  const raw = record.policyWeights ?? record.arms.map((a) => a.weight);
  const total = raw.reduce((s, w) => s + w, 0);
  return {
    key: record.key,
    type: record.type,
    seed: record.seed,
    arms: record.arms.map((arm, i) => ({
      ...arm,
      weight: total > 0 ? (raw[i] ?? 0) / total : 1 / record.arms.length,
    })),
    ...(record.policy ? { policy: record.policy } : {}),
    policyVersion: record.policyVersion,
    policyWeights: record.policyWeights,
    // Absent stays absent, so configs of experiments that never set them are unchanged on the wire.
    ...(record.coverage === undefined ? {} : { coverage: record.coverage }),
    ...(record.sticky === undefined ? {} : { sticky: record.sticky }),
    ...(record.reward === undefined ? {} : { reward: record.reward }),
    ...(record.condition === undefined ? {} : { condition: record.condition }),
    ...(record.namespace === undefined ? {} : { namespace: record.namespace }),
    ...(record.guardrails === undefined ? {} : { guardrails: record.guardrails }),
  };
}
