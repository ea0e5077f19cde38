import type { ArmResult, ExperimentResults } from '@edgewise/protocol';
import {
  interpret,
  isStatsError,
  probabilityToBeatControl,
  type SequentialResult,
  sequentialTest,
  srmTest,
  twoProportionZTest,
} from '@edgewise/stats';
import type { ArmAggregate, ExperimentRecord } from '../storage/records.js';
import { armsWithStats, isBinary } from './arm-stats.js';

export const ALPHA = 0.05;

// The response shape is the protocol's; computing it here keeps the two in step at compile time.
export type { ArmResult, ExperimentResults } from '@edgewise/protocol';

/** Runs a stats function, turning "not enough data yet" into null plus a note instead of an error. */
function attempt<T>(notes: string[], label: string, run: () => T): T | null {
  try {
    return run();
  } catch (error) {
    if (!isStatsError(error)) throw error;
    notes.push(`${label}: ${error.message}`);
    return null;
  }
}

/**
 * Per-arm statistics against the first arm (control): z-test (fixed horizon, 0/1 rewards), the
 * always-valid mSPRT p-value and confidence sequence, P(beat control), the SRM check, and verdicts.
 */
export function computeResults(record: ExperimentRecord, rows: readonly ArmAggregate[]): ExperimentResults {
  const notes: string[] = [];
  const stats = armsWithStats(record, rows);
  const binary = isBinary(rows);
  const metric = binary ? 'proportion' : 'mean';
  const control = stats[0];
  const srm =
    record.type === 'ab' && stats.length >= 2 && stats.some((s) => s.pulls > 0)
      ? attempt(notes, 'SRM check', () =>
          srmTest({ counts: stats.map((s) => s.pulls), weights: record.arms.map((a) => a.weight) }),
        )
      : null;

  const arms: ArmResult[] = stats.map((s, i) => {
    const row = rows.find((r) => r.arm === s.name);
    const base = {
      name: s.name,
      control: i === 0,
      exposures: row?.exposures ?? 0,
      predictions: row?.predictions ?? 0,
      rewardCount: row?.rewardCount ?? 0,
      rewardSum: row?.rewardSum ?? 0,
      rate: s.pulls > 0 ? s.rewardSum / s.pulls : null,
    };
    if (i === 0 || !control || control.pulls === 0 || s.pulls === 0) {
      return { ...base, zTest: null, sequential: null, probabilityToBeatControl: null, verdict: null };
    }
    const counts = {
      successesA: control.rewardSum,
      totalA: control.pulls,
      successesB: s.rewardSum,
      totalB: s.pulls,
    };
    const zTest = binary
      ? attempt(notes, `${s.name} z-test`, () => twoProportionZTest(counts, { alpha: ALPHA }))
      : null;
    const sequential = attempt(notes, `${s.name} sequential test`, () =>
      sequentialTest({ control, treatment: s, metric, alpha: ALPHA }),
    );
    const p = binary
      ? attempt(notes, `${s.name} P(beat control)`, () => probabilityToBeatControl(counts))
      : null;
    const verdict = interpret({
      ...(zTest ? { zTest } : {}),
      ...(sequential ? { sequential } : {}),
      ...(srm ? { srm } : {}),
      ...(p !== null ? { probabilityToBeatControl: p } : {}),
      alpha: ALPHA,
      names: { control: control.name, treatment: s.name },
      unit: binary ? 'proportion' : 'number',
    });
    return { ...base, zTest, sequential, probabilityToBeatControl: p, verdict };
  });

  const judged = arms.filter((a) => a.verdict);
  const best = judged.sort((a, b) => (a.verdict?.pValue ?? 1) - (b.verdict?.pValue ?? 1))[0];
  const verdict = best?.verdict ? { ...best.verdict, arm: best.name, decision: best.verdict.status } : null;
  if (!verdict) notes.push('No verdict yet: control and at least one other arm need exposures.');
  return {
    key: record.key,
    type: record.type,
    metric,
    alpha: ALPHA,
    policyVersion: record.policyVersion,
    arms: stats.map((s) => arms.find((a) => a.name === s.name) as ArmResult),
    srm,
    verdict,
    notes,
  };
}

/**
 * The confidence sequence of (arm − control) at one point of the timeline; `previous` keeps the
 * sequence nested over time, as mSPRT allows.
 */
export function differenceSequence(
  control: { pulls: number; rewardSum: number; rewardSumSquares: number },
  arm: { pulls: number; rewardSum: number; rewardSumSquares: number },
  metric: 'proportion' | 'mean',
  previous: SequentialResult | undefined,
): SequentialResult | null {
  if (control.pulls === 0 || arm.pulls === 0) return null;
  try {
    return sequentialTest({
      control: { name: 'control', ...control },
      treatment: { name: 'arm', ...arm },
      metric,
      alpha: ALPHA,
      ...(previous ? { previous } : {}),
    });
  } catch (error) {
    if (isStatsError(error)) return null;
    throw error;
  }
}
