import { type LatencyCounterKey, latencyCounterSpec } from './latency-buckets.js';

/**
 * The running counters kept per arm and per experiment, with their column names and kinds. Both
 * backends build their upserts and selects from these lists, so a counter added here is stored,
 * bumped and read the same way everywhere (migrations still spell their columns out, frozen).
 */
const NAMED_ARM_COUNTERS = {
  // Event counts, by the arm named on each event.
  exposures: ['exposures', 'int'],
  predictions: ['predictions', 'int'],
  rewardCount: ['reward_count', 'int'],
  rewardSum: ['reward_sum', 'real'],
  rewardSumSq: ['reward_sum_sq', 'real'],
  // Users, each in the arm of their first exposure (intention-to-treat).
  users: ['users', 'int'],
  convertedUsers: ['converted_users', 'int'],
  userRewardSum: ['user_reward_sum', 'real'],
  userRewardSumSq: ['user_reward_sum_sq', 'real'],
  ineligibleUsers: ['ineligible_users', 'int'],
  switchedUsers: ['switched_users', 'int'],
  armChanges: ['arm_changes', 'int'],
  // Decisions (exposure events) with the rewards tied to them by exposureId.
  decisions: ['decisions', 'int'],
  decisionRewardSum: ['decision_reward_sum', 'real'],
  decisionRewardSumSq: ['decision_reward_sum_sq', 'real'],
  ipsWeightSum: ['ips_weight_sum', 'real'],
  ipsWeightSumSq: ['ips_weight_sum_sq', 'real'],
  ipsRewardSum: ['ips_reward_sum', 'real'],
  ipsRewardSumSq: ['ips_reward_sum_sq', 'real'],
  // Device health, by the arm named on each event. A prediction sent at sampleRate r stands for 1/r
  // calls, so predictCalls is real; errors are never sampled (they are what a guardrail counts).
  predictCalls: ['predict_calls', 'real'],
  predictErrors: ['predict_errors', 'int'],
  crashes: ['crashes', 'int'],
  loads: ['loads', 'int'],
  loadMsSum: ['load_ms_sum', 'real'],
  loadMsSumSq: ['load_ms_sum_sq', 'real'],
  fallbacks: ['fallbacks', 'int'],
  deviceLost: ['device_lost', 'int'],
  integrityFailures: ['integrity_failures', 'int'],
  // Prediction events with a latency, unweighted: the histogram's total, what a share above t is of.
  latencySamples: ['latency_samples', 'int'],
} as const;

/** Named counters, then the latency histogram lat00 … lat65 (see latency-buckets.ts). */
export const ARM_COUNTERS = { ...NAMED_ARM_COUNTERS, ...latencyCounterSpec() };

export const UNATTRIBUTED_COUNTERS = {
  unexposedUsers: ['unexposed_users', 'int'],
  unexposedRewards: ['unexposed_rewards', 'int'],
  unexposedRewardSum: ['unexposed_reward_sum', 'real'],
  unknownExposureRewards: ['unknown_exposure_rewards', 'int'],
  unknownExposureRewardSum: ['unknown_exposure_reward_sum', 'real'],
  rewardsWithoutExposureId: ['rewards_without_exposure_id', 'int'],
} as const;

export type ArmCounters = { -readonly [K in keyof typeof NAMED_ARM_COUNTERS]: number } & {
  [K in LatencyCounterKey]: number;
};
export type UnattributedCounters = { -readonly [K in keyof typeof UNATTRIBUTED_COUNTERS]: number };

export type CounterSpec = Record<string, readonly [column: string, kind: 'int' | 'real']>;

export function zeroCounters<S extends CounterSpec>(spec: S): { [K in keyof S]: number } {
  return Object.fromEntries(Object.keys(spec).map((k) => [k, 0])) as { [K in keyof S]: number };
}

export function counterKeys<S extends CounterSpec>(spec: S): (keyof S & string)[] {
  return Object.keys(spec) as (keyof S & string)[];
}

/** Row (snake_case, numbers possibly as pg BIGINT strings) → counters. */
export function readCounters<S extends CounterSpec>(
  spec: S,
  row: Record<string, unknown>,
): { [K in keyof S]: number } {
  return Object.fromEntries(Object.entries(spec).map(([k, [column]]) => [k, Number(row[column] ?? 0)])) as {
    [K in keyof S]: number;
  };
}

export function counterColumns(spec: CounterSpec): string[] {
  return Object.values(spec).map(([column]) => column);
}

/** `c = <table>.c + excluded.c, …`: an upsert that adds increments to the stored counters. */
export function addExcluded(spec: CounterSpec, table: string): string {
  return counterColumns(spec)
    .map((c) => `${c} = ${table}.${c} + excluded.${c}`)
    .join(', ');
}
