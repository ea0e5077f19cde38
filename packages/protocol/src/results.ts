/**
 * What `GET /v1/experiments/:key/results` returns: per-arm statistics against the first arm
 * (control) and a verdict. A/B tests count users (each in the arm of their first exposure), bandits
 * count decisions; raw event counts are kept apart under `events`, labelled as such. The statistics come from @edgewise/stats; their shapes are restated
 * here because this package has no dependencies. Infinite interval ends travel as null in JSON.
 */

/** `[lower, upper]`. */
export type Interval = [lower: number | null, upper: number | null];

export interface ZTestResult {
  z: number;
  pValue: number;
  diff: number;
  ci: Interval;
  relativeLift: number | null;
  rateA: number;
  rateB: number;
  alternative: 'two-sided' | 'greater' | 'less';
  alpha: number;
  significant: boolean;
}

export interface SequentialResult {
  pValue: number;
  ci: Interval;
  diff: number;
  significant: boolean;
  likelihoodRatio: number;
  mixtureVariance: number;
  standardError: number;
  alpha: number;
  metric: 'proportion' | 'mean';
}

export interface SrmResult {
  chi2: number;
  df: number;
  pValue: number;
  mismatch: boolean;
  expected: number[];
  threshold: number;
}

export type VerdictStatus = 'invalid' | 'significant' | 'not-significant' | 'keep-collecting' | 'no-data';

export interface Verdict {
  status: VerdictStatus;
  significant: boolean;
  direction: 'better' | 'worse' | 'none';
  pValue: number | null;
  test: 'sequential' | 'z-test' | null;
  srmWarning: boolean;
  samplesNeeded: number | null;
  summary: string;
  notes: string[];
}

/** What a number counts: exposed users, bandit decisions (exposure events), or raw events. */
export type Unit = 'users' | 'decisions' | 'events';

/** Every statistic says what it counts and how it was computed. */
export interface Labelled {
  unit: Unit;
  method: string;
}

export interface WelchResult {
  t: number;
  df: number;
  pValue: number;
  diff: number;
  ci: { lower: number | null; upper: number | null };
  meanControl: number;
  meanTreatment: number;
  standardError: number;
  alpha: number;
  significant: boolean;
}

/** A time-uniform band for one arm's mean. */
export interface ConfidenceSequence {
  mean: number | null;
  lower: number | null;
  upper: number | null;
  halfWidth: number | null;
  n: number;
}

export interface IpsResult {
  value: number;
  standardError: number;
  selfNormalized: number | null;
  effectiveSampleSize: number | null;
  n: number;
}

/** The arm's metric: conversion or mean reward per user (A/B), mean reward per decision (bandit). */
export interface MetricValue extends Labelled {
  value: number | null;
  /** Users or decisions it is over. */
  n: number;
  /** Σ per-user (or per-decision) reward sums; converted users for a conversion. */
  sum: number;
}

export interface ArmResult {
  name: string;
  control: boolean;
  /** Exposed users, each in the arm of their first exposure (intention-to-treat). */
  users: number;
  /** Distinct users assigned this arm whose device could not run it; not in `users`. */
  ineligibleUsers: number;
  /** Exposure events (each a decision) of this arm. */
  decisions: number;
  /** Users of this arm later exposed to another arm, and how many such exposures. */
  switchedUsers: number;
  armChanges: number;
  /** Raw event counts by the arm on each event; not the unit of any test. */
  events: { unit: 'events'; exposures: number; predictions: number; rewards: number; rewardSum: number };
  metric: MetricValue;
  /** Versus control; null for the control arm and when the test cannot run yet. */
  zTest: (ZTestResult & Labelled) | null;
  welch: (WelchResult & Labelled) | null;
  sequential: (SequentialResult & Labelled) | null;
  probabilityToBeatControl: ({ value: number } & Labelled) | null;
  /** This arm's mean alone, valid at every look (also under adaptive allocation). */
  confidenceSequence: (ConfidenceSequence & Labelled) | null;
  /** Bandits: inverse-propensity value of always serving this arm, from the logged propensities. */
  ips: (IpsResult & Labelled) | null;
  /** The always-valid p-value versus control, raw and adjusted for the number of comparisons. */
  pValue: ({ raw: number; adjusted: number; correction: 'holm' | 'none' } & Labelled) | null;
  verdict: Verdict | null;
}

/** Rewards the arms do not count: users never exposed, decisions never logged. */
export interface Unattributed {
  unexposedUsers: number;
  unexposedRewards: number;
  unexposedRewardSum: number;
  /** Rewards whose exposureId names no stored exposure (not arrived, or never sent). */
  unknownExposureRewards: number;
  unknownExposureRewardSum: number;
  rewardsWithoutExposureId: number;
}

export interface ExperimentResults {
  key: string;
  type: 'ab' | 'bandit' | 'contextual';
  metric: 'proportion' | 'mean';
  /** The unit of analysis: users for A/B tests, decisions for bandits. */
  unit: 'users' | 'decisions';
  alpha: number;
  policyVersion: number;
  /** Treatment arms compared with control, and the correction applied across them. */
  comparisons: number;
  correction: 'holm' | 'none';
  /** How the overall verdict is chosen, in one sentence. */
  verdictRule: string;
  arms: ArmResult[];
  /** Sample ratio mismatch on users against the configured split; null for bandits, whose split moves by design. */
  srm: (SrmResult & Labelled) | null;
  unattributed: Unattributed;
  /** The verdict `verdictRule` picks. */
  verdict: (Verdict & { arm: string; decision: string }) | null;
  notes: string[];
}

const nullable = <T extends string>(type: T) => ({ anyOf: [{ type }, { type: 'null' }] }) as const;
const unitSchema = { type: 'string', enum: ['users', 'decisions', 'events'] } as const;
const statsObject = {
  anyOf: [
    { type: 'null' },
    { type: 'object', required: ['pValue', 'unit', 'method'], properties: { unit: unitSchema } },
  ],
} as const;
const labelledObject = {
  anyOf: [
    { type: 'null' },
    { type: 'object', required: ['unit', 'method'], properties: { unit: unitSchema } },
  ],
} as const;

/**
 * Loose on purpose: the statistics inside may grow fields as @edgewise/stats does, so only the
 * frame a dashboard relies on is pinned.
 */
export const experimentResultsSchema = {
  type: 'object',
  required: [
    'key',
    'type',
    'metric',
    'unit',
    'alpha',
    'policyVersion',
    'comparisons',
    'correction',
    'verdictRule',
    'arms',
    'srm',
    'unattributed',
    'verdict',
    'notes',
  ],
  properties: {
    key: { type: 'string' },
    type: { type: 'string', enum: ['ab', 'bandit', 'contextual'] },
    metric: { type: 'string', enum: ['proportion', 'mean'] },
    unit: { type: 'string', enum: ['users', 'decisions'] },
    comparisons: { type: 'integer', minimum: 0 },
    correction: { type: 'string', enum: ['holm', 'none'] },
    verdictRule: { type: 'string' },
    alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    policyVersion: { type: 'number' },
    arms: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'control', 'users', 'ineligibleUsers', 'decisions', 'events', 'metric', 'pValue'],
        properties: {
          name: { type: 'string' },
          control: { type: 'boolean' },
          users: { type: 'integer', minimum: 0 },
          ineligibleUsers: { type: 'integer', minimum: 0 },
          decisions: { type: 'integer', minimum: 0 },
          events: {
            type: 'object',
            required: ['unit', 'exposures', 'rewards'],
            properties: { unit: { const: 'events' } },
          },
          metric: {
            type: 'object',
            required: ['value', 'n', 'unit', 'method'],
            properties: { value: nullable('number'), unit: unitSchema, method: { type: 'string' } },
          },
          zTest: statsObject,
          welch: statsObject,
          sequential: statsObject,
          probabilityToBeatControl: labelledObject,
          confidenceSequence: labelledObject,
          ips: labelledObject,
          pValue: {
            anyOf: [
              { type: 'null' },
              { type: 'object', required: ['raw', 'adjusted', 'correction', 'unit', 'method'] },
            ],
          },
          verdict: { anyOf: [{ type: 'null' }, { type: 'object', required: ['status', 'summary'] }] },
        },
      },
    },
    srm: statsObject,
    unattributed: {
      type: 'object',
      required: ['unexposedUsers', 'unexposedRewards', 'unknownExposureRewards', 'rewardsWithoutExposureId'],
    },
    verdict: { anyOf: [{ type: 'null' }, { type: 'object', required: ['status', 'arm', 'decision'] }] },
    notes: { type: 'array', items: { type: 'string' } },
  },
} as const;
