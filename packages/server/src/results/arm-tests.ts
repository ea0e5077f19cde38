import type { ArmResult, ExperimentResults, Labelled } from '@edgewise/protocol';
import {
  ipsFromSums,
  isStatsError,
  meanConfidenceSequence,
  probabilityToBeatControl,
  sequentialTest,
  twoProportionZTest,
  welchTTest,
} from '@edgewise/stats';
import type { ArmAggregate } from '../storage/records.js';
import type { ArmSample } from './arm-stats.js';

export const ALPHA = 0.05;

/** Runs a stats function, turning "not enough data yet" into null plus a note instead of an error. */
export function attempt<T>(notes: string[], label: string, run: () => T): T | null {
  try {
    return run();
  } catch (error) {
    if (!isStatsError(error)) throw error;
    notes.push(`${label}: ${error.message}`);
    return null;
  }
}

const label = <T extends object>(value: T | null, unit: Labelled['unit'], method: string) =>
  value ? { ...value, unit, method } : null;
const finite = (x: number) => (Number.isFinite(x) ? x : null);

export interface ArmContext {
  unit: ExperimentResults['unit'];
  metric: ExperimentResults['metric'];
  notes: string[];
  /** All decisions of the experiment: the n of every arm's inverse-propensity estimate. */
  totalDecisions: number;
}

/** What one arm says on its own: its metric, its always-valid band and (bandits) its IPS value. */
export function armAlone(
  ctx: ArmContext,
  s: ArmSample,
  row: ArmAggregate | undefined,
): Pick<ArmResult, 'metric' | 'confidenceSequence' | 'ips'> {
  const { unit, metric, notes } = ctx;
  const method =
    unit === 'decisions'
      ? 'mean reward per decision (rewards tied to it by exposureId)'
      : metric === 'proportion'
        ? 'converted users / exposed users (a user converts with any reward > 0)'
        : 'mean reward per exposed user (users without rewards count as 0)';
  const cs =
    s.n > 0
      ? attempt(notes, `${s.name} confidence sequence`, () =>
          meanConfidenceSequence(s, {
            alpha: ALPHA,
            ...(metric === 'proportion' ? { bounds: [0, 1] as [number, number] } : {}),
          }),
        )
      : null;
  const ips =
    unit === 'decisions' && row && ctx.totalDecisions > 0
      ? attempt(notes, `${s.name} IPS estimate`, () =>
          ipsFromSums({
            decisions: ctx.totalDecisions,
            sumWeights: row.ipsWeightSum,
            sumWeightedRewards: row.ipsRewardSum,
            sumWeightedRewardSquares: row.ipsRewardSumSq,
            sumSquaredWeights: row.ipsWeightSumSq,
          }),
        )
      : null;
  return {
    metric: { value: s.n > 0 ? s.sum / s.n : null, n: s.n, sum: s.sum, unit, method },
    confidenceSequence: cs
      ? {
          mean: finite(cs.mean),
          lower: finite(cs.lower),
          upper: finite(cs.upper),
          halfWidth: finite(cs.halfWidth),
          n: cs.n,
          unit,
          method: `${cs.method} (always valid for this arm's mean, also under adaptive allocation)`,
        }
      : null,
    ips: ips
      ? {
          value: ips.value,
          standardError: ips.standardError,
          selfNormalized: finite(ips.selfNormalized),
          effectiveSampleSize: finite(ips.effectiveSampleSize),
          n: ips.n,
          unit,
          method:
            'inverse-propensity (Horvitz–Thompson) value of always serving this arm, logged propensities',
        }
      : null,
  };
}

/** One treatment against control, on the experiment's unit. */
export function versusControl(ctx: ArmContext, control: ArmSample, s: ArmSample) {
  const { unit, metric, notes } = ctx;
  const ab = unit === 'users';
  const counts = { successesA: control.sum, totalA: control.n, successesB: s.sum, totalB: s.n };
  const zTest =
    ab && metric === 'proportion'
      ? attempt(notes, `${s.name} z-test`, () => twoProportionZTest(counts, { alpha: ALPHA }))
      : null;
  const welch =
    ab && metric === 'mean'
      ? attempt(notes, `${s.name} Welch test`, () => welchTTest({ control, treatment: s }, { alpha: ALPHA }))
      : null;
  const sequential = attempt(notes, `${s.name} sequential test`, () =>
    sequentialTest({
      control: {
        name: control.name,
        pulls: control.n,
        rewardSum: control.sum,
        rewardSumSquares: control.sumSquares,
      },
      treatment: { name: s.name, pulls: s.n, rewardSum: s.sum, rewardSumSquares: s.sumSquares },
      metric,
      alpha: ALPHA,
    }),
  );
  const pBeat =
    ab && metric === 'proportion'
      ? attempt(notes, `${s.name} P(beat control)`, () => probabilityToBeatControl(counts))
      : null;
  return {
    zTest: label(zTest, unit, 'two-proportion z-test on users (fixed horizon: one look at the planned size)'),
    welch: label(
      welch && { ...welch, ci: { lower: finite(welch.ci.lower), upper: finite(welch.ci.upper) } },
      unit,
      'Welch t-test on per-user reward sums (fixed horizon: one look at the planned size)',
    ),
    sequential: label(
      sequential,
      unit,
      ab
        ? 'mSPRT on users (always valid)'
        : 'mSPRT on decisions (always valid for a fixed split; a bandit moves its split, so read it with the per-arm confidence sequences)',
    ),
    probabilityToBeatControl:
      pBeat === null
        ? null
        : { value: pBeat, unit, method: 'Beta(1, 1)-Binomial posterior on converted users' },
  };
}
