/**
 * What `GET /v1/experiments/:key/results` returns: per-arm statistics against the first arm
 * (control) and a verdict. The statistics come from @edgewise/stats; their shapes are restated
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

export interface ArmResult {
  name: string;
  control: boolean;
  exposures: number;
  predictions: number;
  rewardCount: number;
  rewardSum: number;
  /** Reward per exposure (a conversion rate for 0/1 rewards); null before the first exposure. */
  rate: number | null;
  /** Versus control; null for the control arm and when the test cannot run yet. */
  zTest: ZTestResult | null;
  sequential: SequentialResult | null;
  probabilityToBeatControl: number | null;
  verdict: Verdict | null;
}

export interface ExperimentResults {
  key: string;
  type: 'ab' | 'bandit';
  metric: 'proportion' | 'mean';
  alpha: number;
  policyVersion: number;
  arms: ArmResult[];
  /** Sample ratio mismatch against the configured split; null for bandits, whose split moves by design. */
  srm: SrmResult | null;
  /** The verdict for the treatment arm with the smallest p-value. */
  verdict: (Verdict & { arm: string; decision: string }) | null;
  notes: string[];
}

const nullable = <T extends string>(type: T) => ({ anyOf: [{ type }, { type: 'null' }] }) as const;
const statsObject = { anyOf: [{ type: 'null' }, { type: 'object', required: ['pValue'] }] } as const;

/**
 * Loose on purpose: the statistics inside may grow fields as @edgewise/stats does, so only the
 * frame a dashboard relies on is pinned.
 */
export const experimentResultsSchema = {
  type: 'object',
  required: ['key', 'type', 'metric', 'alpha', 'policyVersion', 'arms', 'srm', 'verdict', 'notes'],
  properties: {
    key: { type: 'string' },
    type: { type: 'string', enum: ['ab', 'bandit'] },
    metric: { type: 'string', enum: ['proportion', 'mean'] },
    alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    policyVersion: { type: 'number' },
    arms: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'control', 'exposures', 'rewardCount', 'rewardSum', 'rate'],
        properties: {
          name: { type: 'string' },
          control: { type: 'boolean' },
          exposures: { type: 'integer', minimum: 0 },
          predictions: { type: 'integer', minimum: 0 },
          rewardCount: { type: 'integer', minimum: 0 },
          rewardSum: { type: 'number' },
          rate: nullable('number'),
          zTest: statsObject,
          sequential: statsObject,
          probabilityToBeatControl: nullable('number'),
          verdict: { anyOf: [{ type: 'null' }, { type: 'object', required: ['status', 'summary'] }] },
        },
      },
    },
    srm: statsObject,
    verdict: { anyOf: [{ type: 'null' }, { type: 'object', required: ['status', 'arm', 'decision'] }] },
    notes: { type: 'array', items: { type: 'string' } },
  },
} as const;
